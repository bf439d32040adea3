output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = module.eks.cluster_endpoint
}

output "vpc_cidr" {
  description = "VPC CIDR (the chart's networkPolicy.egress.kubernetesApi.cidrs)."
  value       = module.vpc.vpc_cidr_block
}

output "ecr_repository_url" {
  description = "image.repository of the Helm values."
  value       = aws_ecr_repository.hyperdesk.repository_url
}

output "keys_secret_name" {
  description = "secrets.externalSecret.remoteKey of the Helm values."
  value       = aws_secretsmanager_secret.keys.name
}

output "external_secrets_role_arn" {
  description = "secrets.externalSecret.secretStore.roleArn of the Helm values."
  value       = aws_iam_role.external_secrets.arn
}

output "backup_bucket" {
  description = "backup.s3Uri of the Helm values is s3://<this>/journal."
  value       = aws_s3_bucket.backups.bucket
}

output "backup_role_arn" {
  description = "backup.roleArn of the Helm values."
  value       = aws_iam_role.backup.arn
}

output "github_deploy_role_arn" {
  description = "AWS_DEPLOY_ROLE_ARN of the GitHub environment."
  value       = aws_iam_role.github_deploy.arn
}
