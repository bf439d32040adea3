environment    = "production"
aws_account_id = "210987654321"
region         = "eu-west-1"

vpc_cidr           = "10.30.0.0/16"
availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
private_subnets    = ["10.30.0.0/19", "10.30.32.0/19", "10.30.64.0/19"]
public_subnets     = ["10.30.192.0/24", "10.30.193.0/24", "10.30.194.0/24"]
# One NAT gateway per zone: losing a zone must not cut the engine off the exchange.
single_nat_gateway = false

kubernetes_version = "1.34"
# The API server is private: deploys run from self-hosted runners inside the VPC.
cluster_endpoint_public_access       = false
cluster_endpoint_public_access_cidrs = []

node_instance_types     = ["m7i.xlarge"]
node_min_size           = 2
node_max_size           = 4
node_desired_size       = 2
dedicated_trading_nodes = true

backup_retention_days       = 90
secret_recovery_window_days = 30

github_repository           = "hyperdesk/hyperdesk"
create_github_oidc_provider = true
admin_role_arns             = ["arn:aws:iam::210987654321:role/platform-oncall"]
