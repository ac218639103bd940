// Host storage for the function app: the Functions host (keys, leases, timer schedules), Durable Functions with the
// Azure Storage provider (task hub queues, history/instances tables, large-message blobs) and the Flex Consumption
// deployment container. Shared keys are disabled, so every client (host, Durable, deployment) must use Entra ID.

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Replication for the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param skuName string = 'Standard_LRS'

@description('Blob container that holds the deployment package (Flex Consumption runs the app from it).')
param deploymentContainerName string

@description('Principal (object) id of the managed identity that gets data access to blobs, queues and tables.')
param principalId string

@description('Tags for the account.')
param tags object = {}

// Built-in role definition ids, as listed in "Azure built-in roles for Storage"
// (learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage):
//   Storage Blob Data Owner         b7e6dc6d-f1e8-4753-8033-0f276bb0955b
//   Storage Queue Data Contributor  974c5e8b-45b9-4653-ba55-5f855dd0fb88
//   Storage Table Data Contributor  0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3
// The Functions host needs Blob Data Owner on AzureWebJobsStorage; Durable Functions (Azure Storage provider) needs
// queue and table data access as well ("Configure Durable Functions with managed identity").
var dataRoles = [
  {
    name: 'Storage Blob Data Owner'
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  }
  {
    name: 'Storage Queue Data Contributor'
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  }
  {
    name: 'Storage Table Data Contributor'
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource dataRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in dataRoles: {
    name: guid(storage.id, principalId, role.id)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: '${role.name} for the VarTrack function app identity'
    }
  }
]

output name string = storage.name
output id string = storage.id
// The container resource is referenced so that callers only see the URL once the container exists.
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
