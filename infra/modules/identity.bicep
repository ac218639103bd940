// The one identity the function app uses for everything: host storage (AzureWebJobsStorage), the deployment
// container and Key Vault references. A user-assigned identity exists before the app, so its role assignments are in
// place when the app first starts (a system-assigned identity would only exist after the app is created).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
