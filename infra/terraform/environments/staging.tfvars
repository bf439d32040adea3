environment    = "staging"
aws_account_id = "123456789012"
region         = "eu-west-1"

vpc_cidr           = "10.20.0.0/16"
availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
private_subnets    = ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]
public_subnets     = ["10.20.192.0/24", "10.20.193.0/24", "10.20.194.0/24"]
single_nat_gateway = true

kubernetes_version                   = "1.34"
cluster_endpoint_public_access       = true
cluster_endpoint_public_access_cidrs = ["203.0.113.0/24"]

node_instance_types     = ["m7i.large"]
node_min_size           = 2
node_max_size           = 4
node_desired_size       = 2
dedicated_trading_nodes = false

backup_retention_days       = 14
secret_recovery_window_days = 7

github_repository           = "hyperdesk/hyperdesk"
create_github_oidc_provider = true
admin_role_arns             = ["arn:aws:iam::123456789012:role/platform-oncall"]
