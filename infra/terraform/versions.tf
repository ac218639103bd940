terraform {
  # 1.11: write-only arguments (azurerm_key_vault_secret.value_wo keeps the webhook secrets out of the state).
  required_version = ">= 1.11.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 4.55: azurerm_function_app_flex_consumption, key_vault rbac_authorization_enabled, key_vault_secret value_wo.
      version = "~> 4.55"
    }
    azapi = {
      source = "Azure/azapi"
      # Only for keyVaultReferenceIdentity, which azurerm_function_app_flex_consumption cannot set.
      version = "~> 2.0"
    }
  }
}
