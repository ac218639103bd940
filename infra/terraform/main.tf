# VarTrack on Azure Functions (Flex Consumption, .NET 10 isolated worker, Durable Functions on Azure Storage):
# the same resources as ../main.bicep, with the azurerm provider.

provider "azurerm" {
  features {
    storage {
      # Shared keys are disabled on the storage account: manage it (and create the container, see below) through
      # ARM only, so the principal running Terraform needs no storage data role.
      data_plane_available = false
    }
  }
  subscription_id = var.subscription_id
  # If the provider ever needs the storage data plane, use Entra ID rather than the (disabled) account keys.
  storage_use_azuread = true
}

provider "azapi" {}

data "azurerm_client_config" "current" {}

data "azurerm_resource_group" "this" {
  name = var.resource_group_name
}

locals {
  location = coalesce(var.location, data.azurerm_resource_group.this.location)
  # Stable per subscription, resource group and base name, like uniqueString() in the Bicep template.
  token = substr(sha1("${data.azurerm_client_config.current.subscription_id}/${data.azurerm_resource_group.this.id}/${var.base_name}"), 0, 13)

  function_app_name    = coalesce(var.function_app_name, "func-${var.base_name}-${local.token}")
  storage_account_name = coalesce(var.storage_account_name, substr("st${var.base_name}${local.token}", 0, 24))
  key_vault_name       = coalesce(var.key_vault_name, substr("kv-${var.base_name}-${local.token}", 0, 24))
  # One container per app: Flex Consumption keeps the deployment package here.
  deployment_container_name = lower("app-package-${substr(local.function_app_name, 0, 32)}-${substr(local.token, 0, 7)}")

  tags = merge({ application = "vartrack" }, var.tags)

  # The environment variable each platform's secret is exposed as; vartrack.yaml references them as ${NAME}.
  webhook_secret_settings = {
    github    = "GITHUB_WEBHOOK_SECRET"
    gitlab    = "GITLAB_WEBHOOK_SECRET"
    gitea     = "GITEA_WEBHOOK_SECRET"
    bitbucket = "BITBUCKET_WEBHOOK_SECRET"
  }
  webhook_secret_values = {
    github    = var.github_webhook_secret
    gitlab    = var.gitlab_webhook_secret
    gitea     = var.gitea_webhook_secret
    bitbucket = var.bitbucket_webhook_secret
  }
  # Which platforms got a value in this run. Only the platform names are revealed (for_each cannot take sensitive
  # values), never a secret.
  webhook_secrets_to_write = nonsensitive(toset([for platform, value in local.webhook_secret_values : platform if value != ""]))
  webhook_secrets_present  = setunion(local.webhook_secrets_to_write, toset(var.existing_webhook_secrets))

  # Versionless Key Vault references: a new secret version is picked up (App Service re-reads within 24 hours or on
  # any configuration change). vault_uri ends with '/'.
  webhook_secret_references = {
    for platform in local.webhook_secrets_present :
    local.webhook_secret_settings[platform] => "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault.this.vault_uri}secrets/${platform}-webhook-secret/)"
  }

  managed_app_settings = merge(
    {
      # Host storage over Entra ID with the user-assigned identity (no connection string, shared keys are off).
      AzureWebJobsStorage__accountName = azurerm_storage_account.this.name
      AzureWebJobsStorage__credential  = "managedidentity"
      AzureWebJobsStorage__clientId    = azurerm_user_assigned_identity.this.client_id
      # azurerm_function_app_flex_consumption writes an AzureWebJobsStorage connection string with an empty account
      # key even for identity authentication, and the host would use it instead of the __accountName settings.
      # Setting it empty overrides that (hashicorp/terraform-provider-azurerm#29149, the same workaround as
      # Azure-Samples/azure-functions-flex-consumption-samples IaC/terraformazurerm). Side effect: every plan shows
      # this setting as a change, because the provider does not read it back into app_settings.
      AzureWebJobsStorage      = ""
      VARTRACK_CONFIG          = var.vartrack_config_path
      DriftSchedule            = var.drift_schedule
      VaultReplicationSchedule = var.vault_replication_schedule
    },
    local.webhook_secret_references,
  )
}

# ---------------------------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------------------------

# The one identity the app uses for host storage, the deployment container and Key Vault references. It exists
# before the app, so its role assignments are in place when the app first starts.
resource "azurerm_user_assigned_identity" "this" {
  name                = "id-${var.base_name}-${local.token}"
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  tags                = local.tags
}

# ---------------------------------------------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------------------------------------------

resource "azurerm_log_analytics_workspace" "this" {
  name                = "log-${var.base_name}-${local.token}"
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_in_days
  tags                = local.tags
}

resource "azurerm_application_insights" "this" {
  name                = "appi-${var.base_name}-${local.token}"
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  application_type    = "web"
  workspace_id        = azurerm_log_analytics_workspace.this.id
  tags                = local.tags
}

# ---------------------------------------------------------------------------------------------------------------
# Storage: Functions host, Durable Functions (Azure Storage provider) and the deployment container
# ---------------------------------------------------------------------------------------------------------------

resource "azurerm_storage_account" "this" {
  name                            = local.storage_account_name
  resource_group_name             = data.azurerm_resource_group.this.name
  location                        = local.location
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = var.storage_replication_type
  access_tier                     = "Hot"
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  https_traffic_only_enabled      = true
  min_tls_version                 = "TLS1_2"
  public_network_access_enabled   = true
  tags                            = local.tags
}

# storage_account_id (not storage_account_name) makes azurerm create the container through ARM, which works with
# shared keys disabled.
resource "azurerm_storage_container" "deployment" {
  name                  = local.deployment_container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

# The Functions host needs Blob Data Owner on AzureWebJobsStorage; Durable Functions (Azure Storage provider) needs
# queue and table data access as well. Built-in role ids (Azure built-in roles for Storage):
# Storage Blob Data Owner b7e6dc6d-f1e8-4753-8033-0f276bb0955b, Storage Queue Data Contributor
# 974c5e8b-45b9-4653-ba55-5f855dd0fb88, Storage Table Data Contributor 0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3.
resource "azurerm_role_assignment" "storage" {
  for_each = toset([
    "Storage Blob Data Owner",
    "Storage Queue Data Contributor",
    "Storage Table Data Contributor",
  ])

  scope                = azurerm_storage_account.this.id
  role_definition_name = each.value
  principal_id         = azurerm_user_assigned_identity.this.principal_id
  principal_type       = "ServicePrincipal"
  description          = "${each.value} for the VarTrack function app identity"
}

# ---------------------------------------------------------------------------------------------------------------
# Key Vault with the webhook secrets
# ---------------------------------------------------------------------------------------------------------------

resource "azurerm_key_vault" "this" {
  name                          = local.key_vault_name
  resource_group_name           = data.azurerm_resource_group.this.name
  location                      = local.location
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = var.key_vault_purge_protection
  soft_delete_retention_days    = 90
  public_network_access_enabled = true
  tags                          = local.tags
}

# Key Vault Secrets User (4633458b-17de-408a-b874-0445c86b69e6): the app identity resolves the Key Vault references.
resource "azurerm_role_assignment" "app_secrets_user" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.this.principal_id
  principal_type       = "ServicePrincipal"
  description          = "Key Vault Secrets User for the VarTrack function app identity (Key Vault references)"
}

# azurerm writes secrets through the Key Vault data plane, so whoever runs Terraform needs a data role on the vault.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  count = var.grant_deployer_secrets_officer ? 1 : 0

  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
  description          = "Lets the Terraform principal write the VarTrack webhook secrets"
}

resource "azurerm_key_vault_secret" "webhook" {
  for_each = local.webhook_secrets_to_write

  name         = "${each.key}-webhook-secret"
  key_vault_id = azurerm_key_vault.this.id
  content_type = "text/plain"
  # Write-only: the value is sent to Key Vault but never stored in the Terraform state or plan.
  value_wo         = local.webhook_secret_values[each.key]
  value_wo_version = var.webhook_secret_version

  depends_on = [azurerm_role_assignment.deployer_secrets_officer]
}

# ---------------------------------------------------------------------------------------------------------------
# Flex Consumption plan and function app
# ---------------------------------------------------------------------------------------------------------------

resource "azurerm_service_plan" "this" {
  name                = "plan-${var.base_name}-${local.token}"
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = local.tags
}

resource "azurerm_function_app_flex_consumption" "this" {
  name                = local.function_app_name
  resource_group_name = data.azurerm_resource_group.this.name
  location            = local.location
  service_plan_id     = azurerm_service_plan.this.id

  runtime_name           = "dotnet-isolated"
  runtime_version        = "10.0"
  maximum_instance_count = var.maximum_instance_count
  instance_memory_in_mb  = var.instance_memory_mb

  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${azurerm_storage_account.this.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = azurerm_user_assigned_identity.this.id

  https_only = true

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.this.id]
  }

  site_config {
    application_insights_connection_string = azurerm_application_insights.this.connection_string
    minimum_tls_version                    = "1.2"
  }

  # Later maps win in merge(): additional_app_settings cannot override the managed settings.
  app_settings = merge(var.additional_app_settings, local.managed_app_settings)

  tags = local.tags

  # The identity must be able to read storage and the vault when the app first starts.
  depends_on = [
    azurerm_role_assignment.storage,
    azurerm_role_assignment.app_secrets_user,
    azurerm_key_vault_secret.webhook,
  ]
}

# azurerm_function_app_flex_consumption has no key_vault_reference_identity_id (hashicorp/terraform-provider-azurerm
# issue #28928), so Key Vault references would be resolved with a system-assigned identity the app does not have.
# This PATCH sets properties.keyVaultReferenceIdentity to the user-assigned identity, as ../main.bicep does. azurerm
# updates the app by GET-modify-PUT, which keeps the property.
resource "azapi_resource_action" "key_vault_reference_identity" {
  type        = "Microsoft.Web/sites@2024-11-01"
  resource_id = azurerm_function_app_flex_consumption.this.id
  method      = "PATCH"
  body = {
    properties = {
      keyVaultReferenceIdentity = azurerm_user_assigned_identity.this.id
    }
  }
}
