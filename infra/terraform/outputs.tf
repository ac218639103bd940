output "function_app_name" {
  description = "Function app name (for func azure functionapp publish)."
  value       = azurerm_function_app_flex_consumption.this.name
}

output "default_hostname" {
  description = "Default host name of the function app."
  value       = azurerm_function_app_flex_consumption.this.default_hostname
}

output "webhook_base_url" {
  description = "Base URL for webhooks; append github, gitlab, gitea or bitbucket."
  value       = "https://${azurerm_function_app_flex_consumption.this.default_hostname}/api/webhooks/"
}

output "webhook_urls" {
  description = "Webhook URL per platform, to register in GitHub, GitLab, Gitea or Bitbucket."
  value = {
    for platform in ["github", "gitlab", "gitea", "bitbucket"] :
    platform => "https://${azurerm_function_app_flex_consumption.this.default_hostname}/api/webhooks/${platform}"
  }
}

output "key_vault_name" {
  description = "Key Vault holding the webhook secrets."
  value       = azurerm_key_vault.this.name
}

output "storage_account_name" {
  description = "Storage account used as AzureWebJobsStorage."
  value       = azurerm_storage_account.this.name
}

output "identity_client_id" {
  description = "Client id of the app's user-assigned identity."
  value       = azurerm_user_assigned_identity.this.client_id
}

output "identity_principal_id" {
  description = "Principal (object) id of the app's user-assigned identity, for role assignments on the sinks VarTrack writes to."
  value       = azurerm_user_assigned_identity.this.principal_id
}
