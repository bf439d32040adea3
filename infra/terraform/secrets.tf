# The keys the engine needs: the Hyperliquid signing key (an agent key, never the account's
# main key) and the Anthropic API key, as one JSON secret {"signingKey": ..., "anthropicApiKey": ...}.
# Terraform creates the secret but never its value: values are put by an operator
# (docs/runbooks/key-rotation.md), so no key ever lands in Terraform state.

resource "aws_kms_key" "secrets" {
  description             = "${local.name} Secrets Manager key"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${local.name}-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

resource "aws_secretsmanager_secret" "keys" {
  name                    = "hyperdesk/${var.environment}/keys"
  description             = "hyperdesk ${var.environment}: signingKey (Hyperliquid agent key) and anthropicApiKey"
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = var.secret_recovery_window_days
}
