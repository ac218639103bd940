// Flex Consumption plan (FC1) and the function app. Flex Consumption is Linux only, holds one app per plan, and takes
// its runtime, scale limits and deployment container from properties.functionAppConfig; the app settings that older
// plans used for these (FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE,
// WEBSITE_CONTENTSHARE, ...) are deprecated there and must not be set ("Flex Consumption plan deprecations" in the
// Functions app settings reference).

@description('Function app name (also the first label of its host name).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region; it must offer Flex Consumption.')
param location string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('URL of the blob container holding the deployment package, e.g. https://st.blob.core.windows.net/app-package.')
param deploymentContainerUrl string

@description('Language runtime in functionAppConfig.runtime.')
param runtimeName string = 'dotnet-isolated'

@description('Runtime version in functionAppConfig.runtime.')
param runtimeVersion string = '10.0'

@description('Upper limit of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('App settings as a name -> value object.')
param appSettings object

@description('Tags for the plan and the app.')
param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    // Key Vault references resolve with this identity instead of the (absent) system-assigned one.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
