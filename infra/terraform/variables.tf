variable "environment" {
  description = "Environment name: staging or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "aws_account_id" {
  description = "The AWS account of this environment (the provider refuses any other)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones (at least two; EKS requires subnets in two zones)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "At least two availability zones are required."
  }
}

variable "private_subnets" {
  description = "Private subnet CIDRs, one per availability zone (nodes and pods)."
  type        = list(string)
}

variable "public_subnets" {
  description = "Public subnet CIDRs, one per availability zone (load balancers, NAT gateways)."
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (zone-redundant egress)."
  type        = bool
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
}

variable "cluster_endpoint_public_access" {
  description = "Whether the EKS API endpoint is reachable from the internet (restricted to cluster_endpoint_public_access_cidrs)."
  type        = bool
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public EKS API endpoint (CI runners, VPN)."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
}

variable "node_min_size" {
  description = "Minimum nodes."
  type        = number
}

variable "node_max_size" {
  description = "Maximum nodes."
  type        = number
}

variable "node_desired_size" {
  description = "Desired nodes at creation (the autoscaler owns it afterwards)."
  type        = number
}

variable "dedicated_trading_nodes" {
  description = "Add a node group labelled and tainted hyperdesk.io/pool=trading so only the engine runs there (production)."
  type        = bool
  default     = false
}

variable "k8s_namespace" {
  description = "Namespace the hyperdesk Helm release is installed in."
  type        = string
  default     = "hyperdesk"
}

variable "helm_release_name" {
  description = "Name of the hyperdesk Helm release (its ServiceAccounts are <release>-secrets and <release>-backup when the release name contains hyperdesk)."
  type        = string
  default     = "hyperdesk"
}

variable "backup_retention_days" {
  description = "Days journal backups are kept in S3."
  type        = number
}

variable "secret_recovery_window_days" {
  description = "Days a deleted Secrets Manager secret can still be restored."
  type        = number
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose workflows may push images and deploy."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the GitHub Actions OIDC provider (once per AWS account)."
  type        = bool
  default     = true
}

variable "admin_role_arns" {
  description = "IAM roles given cluster-admin on EKS (platform on-call)."
  type        = list(string)
  default     = []
}
