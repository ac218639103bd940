// VarTrack on Azure Functions (Flex Consumption, .NET 10 isolated worker, Durable Functions on Azure Storage).
// Deploy into an existing resource group:
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json -p githubWebhookSecret=...
// Only local modules are used (no registry modules), so `bicep build` works offline.

targetScope = 'resourceGroup'

metadata description = 'VarTrack Azure Functions app: Flex Consumption plan, user-assigned identity, identity-only host storage, Application Insights, Key Vault for webhook secrets.'

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

@description('Azure region for every resource. It must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix (lowercase letters and digits) used in generated resource names.')
@minLength(3)
@maxLength(10)
param baseName string = 'vartrack'

@description('Function app name; its host name is <name>.azurewebsites.net. Empty: func-<baseName>-<token>.')
@maxLength(60)
param functionAppName string = ''

@description('Storage account name (3-24 lowercase letters and digits, globally unique). Empty: derived from baseName.')
@maxLength(24)
param storageAccountName string = ''

@description('Key Vault name (3-24 letters, digits, hyphens, globally unique). Empty: derived from baseName.')
@maxLength(24)
param keyVaultName string = ''

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSku string = 'Standard_LRS'

@description('Most instances the app scales out to. VarTrack serialises work per destination, so a low limit is enough.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Path of vartrack.yaml inside the deployed package (app setting VARTRACK_CONFIG).')
param vartrackConfigPath string = 'vartrack.yaml'

@description('NCRONTAB schedule (six fields, with seconds) of the drift timer (app setting DriftSchedule). Flex Consumption runs timers in UTC.')
param driftSchedule string = '0 */1 * * * *'

@description('NCRONTAB schedule (six fields, with seconds) of the Vault replication timer (app setting VaultReplicationSchedule); it does nothing without a replication section in vartrack.yaml.')
param vaultReplicationSchedule string = '0 */1 * * * *'

@description('GitHub webhook secret. Empty: no secret is written and GITHUB_WEBHOOK_SECRET is not set (unless listed in existingWebhookSecrets).')
@secure()
param githubWebhookSecret string = ''

@description('GitLab webhook "Secret token". Empty: no secret is written and GITLAB_WEBHOOK_SECRET is not set (unless listed in existingWebhookSecrets).')
@secure()
param gitlabWebhookSecret string = ''

@description('Gitea / Forgejo webhook secret. Empty: no secret is written and GITEA_WEBHOOK_SECRET is not set (unless listed in existingWebhookSecrets).')
@secure()
param giteaWebhookSecret string = ''

@description('Bitbucket Cloud webhook secret. Empty: no secret is written and BITBUCKET_WEBHOOK_SECRET is not set (unless listed in existingWebhookSecrets).')
@secure()
param bitbucketWebhookSecret string = ''

@description('Platforms whose secret is already in the vault (from an earlier deployment or az keyvault secret set). Their app setting is kept even when this deployment passes no value.')
@allowed([
  'github'
  'gitlab'
  'gitea'
  'bitbucket'
])
param existingWebhookSecrets array = []

@description('Extra app settings (name -> value), e.g. environment variables that vartrack.yaml references. They cannot override the settings this template manages.')
param additionalAppSettings object = {}

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Turn on Key Vault purge protection (irreversible; the vault name stays reserved for the retention period after deletion).')
param keyVaultPurgeProtection bool = false

@description('Tags applied to every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, baseName))
var appName = empty(functionAppName) ? 'func-${baseName}-${resourceToken}' : functionAppName
var storageName = empty(storageAccountName)
  ? take(toLower('st${replace(baseName, '-', '')}${resourceToken}'), 24)
  : storageAccountName
var vaultName = empty(keyVaultName) ? take('kv-${baseName}-${resourceToken}', 24) : keyVaultName
// One container per app: Flex Consumption keeps the deployment package here.
var deploymentContainerName = toLower('app-package-${take(appName, 32)}-${take(resourceToken, 7)}')
var allTags = union({ application: 'vartrack' }, tags)

// The environment variable each platform's secret is exposed as; vartrack.yaml references them as ${NAME}.
var webhookSecretSettings = {
  github: 'GITHUB_WEBHOOK_SECRET'
  gitlab: 'GITLAB_WEBHOOK_SECRET'
  gitea: 'GITEA_WEBHOOK_SECRET'
  bitbucket: 'BITBUCKET_WEBHOOK_SECRET'
}

// Which platforms get an app setting: a value passed now, or a secret already in the vault.
var webhookSecretPresent = {
  github: !empty(githubWebhookSecret) || contains(existingWebhookSecrets, 'github')
  gitlab: !empty(gitlabWebhookSecret) || contains(existingWebhookSecrets, 'gitlab')
  gitea: !empty(giteaWebhookSecret) || contains(existingWebhookSecrets, 'gitea')
  bitbucket: !empty(bitbucketWebhookSecret) || contains(existingWebhookSecrets, 'bitbucket')
}

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

module identity 'modules/identity.bicep' = {
  name: '${baseName}-identity'
  params: {
    name: 'id-${baseName}-${resourceToken}'
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: '${baseName}-monitoring'
  params: {
    logAnalyticsName: 'log-${baseName}-${resourceToken}'
    applicationInsightsName: 'appi-${baseName}-${resourceToken}'
    location: location
    retentionInDays: logRetentionInDays
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: '${baseName}-storage'
  params: {
    name: storageName
    location: location
    skuName: storageSku
    deploymentContainerName: deploymentContainerName
    principalId: identity.outputs.principalId
    tags: allTags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: '${baseName}-keyvault'
  params: {
    name: vaultName
    location: location
    principalId: identity.outputs.principalId
    enablePurgeProtection: keyVaultPurgeProtection
    webhookSecrets: {
      github: githubWebhookSecret
      gitlab: gitlabWebhookSecret
      gitea: giteaWebhookSecret
      bitbucket: bitbucketWebhookSecret
    }
    tags: allTags
  }
}

// Key Vault references (versionless, so a new secret version is picked up; App Service re-reads within 24 hours or
// on any configuration change). The secret names '<platform>-webhook-secret' match modules/keyvault.bicep.
// Written out per platform, without a lambda, so the module-output reference stays a plain expression.
var vaultUri = keyVault.outputs.uri
var webhookSecretReferences = union(
  webhookSecretPresent.github
    ? { '${webhookSecretSettings.github}': '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/github-webhook-secret/)' }
    : {},
  webhookSecretPresent.gitlab
    ? { '${webhookSecretSettings.gitlab}': '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/gitlab-webhook-secret/)' }
    : {},
  webhookSecretPresent.gitea
    ? { '${webhookSecretSettings.gitea}': '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/gitea-webhook-secret/)' }
    : {},
  webhookSecretPresent.bitbucket
    ? {
        '${webhookSecretSettings.bitbucket}': '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/bitbucket-webhook-secret/)'
      }
    : {}
)

// Host storage over Entra ID with the user-assigned identity: no AzureWebJobsStorage connection string exists.
var managedAppSettings = union(
  {
    AzureWebJobsStorage__accountName: storage.outputs.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.outputs.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    VARTRACK_CONFIG: vartrackConfigPath
    DriftSchedule: driftSchedule
    VaultReplicationSchedule: vaultReplicationSchedule
  },
  webhookSecretReferences
)

module functionApp 'modules/functionapp.bicep' = {
  name: '${baseName}-functionapp'
  params: {
    name: appName
    planName: 'plan-${baseName}-${resourceToken}'
    location: location
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    // Later objects win in union(): the managed settings cannot be overridden by additionalAppSettings.
    appSettings: union(additionalAppSettings, managedAppSettings)
    tags: allTags
  }
  // No explicit dependsOn: the outputs used above (identity, storage, Key Vault URI) already order the app after the
  // role assignments and secrets, so its identity can read storage and the vault when it first starts.
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------------------

@description('Function app name (for func azure functionapp publish).')
output functionAppName string = functionApp.outputs.name

@description('Default host name of the function app.')
output defaultHostName string = functionApp.outputs.defaultHostName

@description('Base URL for webhooks; append github, gitlab, gitea or bitbucket.')
output webhookBaseUrl string = 'https://${functionApp.outputs.defaultHostName}/api/webhooks/'

@description('Key Vault holding the webhook secrets.')
output keyVaultName string = keyVault.outputs.name

@description('Storage account used as AzureWebJobsStorage.')
output storageAccountName string = storage.outputs.name

@description('Client id of the app\'s user-assigned identity (give it roles on the sinks VarTrack writes to).')
output identityClientId string = identity.outputs.clientId

@description('Principal (object) id of the app\'s user-assigned identity, for role assignments on sinks.')
output identityPrincipalId string = identity.outputs.principalId
