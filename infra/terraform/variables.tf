variable "subscription_id" {
  description = "Azure subscription id. Null: taken from ARM_SUBSCRIPTION_ID."
  type        = string
  default     = null
}

variable "resource_group_name" {
  description = "Existing resource group to deploy into (create it with az group create)."
  type        = string
}

variable "location" {
  description = "Azure region; it must offer Flex Consumption (az functionapp list-flexconsumption-locations). Null: the resource group's region."
  type        = string
  default     = null
}

variable "base_name" {
  description = "Short prefix (lowercase letters and digits) used in generated resource names."
  type        = string
  default     = "vartrack"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,9}$", var.base_name))
    error_message = "base_name must be 3-10 lowercase letters and digits, starting with a letter."
  }
}

variable "function_app_name" {
  description = "Function app name; its host name is <name>.azurewebsites.net. Empty: func-<base_name>-<token>."
  type        = string
  default     = ""
}

variable "storage_account_name" {
  description = "Storage account name (3-24 lowercase letters and digits, globally unique). Empty: derived from base_name."
  type        = string
  default     = ""
}

variable "key_vault_name" {
  description = "Key Vault name (3-24 letters, digits, hyphens, globally unique). Empty: derived from base_name."
  type        = string
  default     = ""
}

variable "storage_replication_type" {
  description = "Storage replication: LRS, ZRS or GRS."
  type        = string
  default     = "LRS"

  validation {
    condition     = contains(["LRS", "ZRS", "GRS"], var.storage_replication_type)
    error_message = "storage_replication_type must be LRS, ZRS or GRS."
  }
}

variable "maximum_instance_count" {
  description = "Most instances the app scales out to. VarTrack serialises work per destination, so a low limit is enough."
  type        = number
  default     = 40

  validation {
    condition     = var.maximum_instance_count >= 1 && var.maximum_instance_count <= 1000
    error_message = "maximum_instance_count must be between 1 and 1000."
  }
}

variable "instance_memory_mb" {
  description = "Memory per instance in MB: 512, 2048 or 4096."
  type        = number
  default     = 2048

  validation {
    condition     = contains([512, 2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "vartrack_config_path" {
  description = "Path of vartrack.yaml inside the deployed package (app setting VARTRACK_CONFIG)."
  type        = string
  default     = "vartrack.yaml"
}

variable "drift_schedule" {
  description = "NCRONTAB schedule (six fields, with seconds) of the drift timer (app setting DriftSchedule). Flex Consumption runs timers in UTC."
  type        = string
  default     = "0 */1 * * * *"
}

variable "vault_replication_schedule" {
  description = "NCRONTAB schedule (six fields, with seconds) of the Vault replication timer (app setting VaultReplicationSchedule); it does nothing without a replication section in vartrack.yaml."
  type        = string
  default     = "0 */1 * * * *"
}

variable "github_webhook_secret" {
  description = "GitHub webhook secret. Empty: no secret is written and GITHUB_WEBHOOK_SECRET is not set (unless listed in existing_webhook_secrets)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "gitlab_webhook_secret" {
  description = "GitLab webhook \"Secret token\". Empty: no secret is written and GITLAB_WEBHOOK_SECRET is not set (unless listed in existing_webhook_secrets)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "gitea_webhook_secret" {
  description = "Gitea / Forgejo webhook secret. Empty: no secret is written and GITEA_WEBHOOK_SECRET is not set (unless listed in existing_webhook_secrets)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "bitbucket_webhook_secret" {
  description = "Bitbucket Cloud webhook secret. Empty: no secret is written and BITBUCKET_WEBHOOK_SECRET is not set (unless listed in existing_webhook_secrets)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "webhook_secret_version" {
  description = "Bump to write the webhook secret values again (they are write-only and never stored in the state, so Terraform cannot see a changed value by itself)."
  type        = number
  default     = 1
}

variable "existing_webhook_secrets" {
  description = "Platforms whose secret is already in the vault (written earlier or with az keyvault secret set). Their app setting is kept even when no value is passed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.existing_webhook_secrets : contains(["github", "gitlab", "gitea", "bitbucket"], p)])
    error_message = "existing_webhook_secrets may only contain github, gitlab, gitea and bitbucket."
  }
}

variable "additional_app_settings" {
  description = "Extra app settings, e.g. environment variables that vartrack.yaml references. They cannot override the settings this configuration manages."
  type        = map(string)
  default     = {}
}

variable "log_retention_in_days" {
  description = "Days Log Analytics keeps telemetry."
  type        = number
  default     = 30
}

variable "key_vault_purge_protection" {
  description = "Turn on Key Vault purge protection (irreversible; the vault name stays reserved for the retention period after deletion)."
  type        = bool
  default     = false
}

variable "grant_deployer_secrets_officer" {
  description = "Give the principal running Terraform \"Key Vault Secrets Officer\" on the vault; azurerm writes secrets through the data plane and needs it. Turn off if that principal already has the role."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
