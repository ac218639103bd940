// Key Vault (RBAC permission model) holding the webhook secrets. The function app reads them through Key Vault
// references in its app settings, resolved with the user-assigned identity, which gets "Key Vault Secrets User".
// Secrets are written through the ARM control plane (Microsoft.KeyVault/vaults/secrets), so the deploying principal
// needs no data-plane role on the vault.

@description('Key Vault name: 3-24 letters, digits and hyphens, starting with a letter, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Principal (object) id of the managed identity that reads the secrets.')
param principalId string

@description('Turn on purge protection. It cannot be turned off again, and a purge-protected vault name stays taken for the whole soft-delete retention after deletion.')
param enablePurgeProtection bool = false

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Webhook secret per platform (keys github, gitlab, gitea, bitbucket). An empty value writes no secret.')
@secure()
param webhookSecrets object

@description('Tags for the vault.')
param tags object = {}

// "Key Vault Secrets User" (read secret contents; RBAC permission model only), as listed in
// "Azure built-in roles for Security" (learn.microsoft.com/azure/role-based-access-control/built-in-roles/security).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

var platforms = [
  'github'
  'gitlab'
  'gitea'
  'bitbucket'
]

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // ARM refuses enablePurgeProtection: false, so the property is left out unless it is turned on.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [
  for platform in platforms: if (!empty(webhookSecrets[platform])) {
    parent: vault
    name: '${platform}-webhook-secret'
    properties: {
      value: webhookSecrets[platform]
      contentType: 'text/plain'
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Key Vault Secrets User for the VarTrack function app identity (Key Vault references)'
  }
}

output name string = vault.name
// Ends with '/', e.g. https://kv-vartrack-abc.vault.azure.net/
output uri string = vault.properties.vaultUri
