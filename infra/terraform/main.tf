locals {
  name = "hyperdesk-${var.environment}"

  tags = {
    Project     = "hyperdesk"
    Environment = var.environment
    ManagedBy   = "terraform"
  }

  # ServiceAccounts of the Helm release (see infra/helm/hyperdesk/templates).
  release_fullname        = strcontains(var.helm_release_name, "hyperdesk") ? var.helm_release_name : "${var.helm_release_name}-hyperdesk"
  secrets_service_account = "${local.release_fullname}-secrets"
  backup_service_account  = "${local.release_fullname}-backup"
  oidc_issuer_host        = replace(module.eks.cluster_oidc_issuer_url, "https://", "")

  node_group_defaults = {
    ami_type       = "AL2023_x86_64_STANDARD"
    instance_types = var.node_instance_types
    capacity_type  = "ON_DEMAND"

    # IMDSv2 only, one hop: pods cannot borrow the node's role.
    metadata_options = {
      http_endpoint               = "enabled"
      http_tokens                 = "required"
      http_put_response_hop_limit = 1
    }

    block_device_mappings = {
      xvda = {
        device_name = "/dev/xvda"
        ebs = {
          volume_size = 50
          volume_type = "gp3"
          encrypted   = true
        }
      }
    }
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = local.name
  cidr = var.vpc_cidr

  azs             = var.availability_zones
  private_subnets = var.private_subnets
  public_subnets  = var.public_subnets

  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway

  enable_dns_hostnames = true
  enable_dns_support   = true

  # Subnet discovery by the AWS Load Balancer Controller.
  public_subnet_tags = {
    "kubernetes.io/role/elb" = 1
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = 1
  }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = local.name
  kubernetes_version = var.kubernetes_version

  vpc_id                   = module.vpc.vpc_id
  subnet_ids               = module.vpc.private_subnets
  control_plane_subnet_ids = module.vpc.private_subnets

  endpoint_private_access      = true
  endpoint_public_access       = var.cluster_endpoint_public_access
  endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs

  # OIDC provider for IAM roles for service accounts (External Secrets, backups).
  enable_irsa = true

  enabled_log_types = ["api", "audit", "authenticator"]

  enable_cluster_creator_admin_permissions = false
  access_entries = merge(
    {
      for arn in var.admin_role_arns : arn => {
        principal_arn = arn
        policy_associations = {
          admin = {
            policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
            access_scope = { type = "cluster" }
          }
        }
      }
    },
    {
      # The deploy workflow: edit rights in the hyperdesk namespace only.
      github-deploy = {
        principal_arn = aws_iam_role.github_deploy.arn
        policy_associations = {
          edit = {
            policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
            access_scope = {
              type       = "namespace"
              namespaces = [var.k8s_namespace]
            }
          }
        }
      }
    }
  )

  addons = {
    coredns    = {}
    kube-proxy = {}
    eks-pod-identity-agent = {
      before_compute = true
    }
    vpc-cni = {
      before_compute = true
      # NetworkPolicy enforcement (the chart's egress allow-list) by the VPC CNI.
      configuration_values = jsonencode({
        enableNetworkPolicy = "true"
      })
    }
    aws-ebs-csi-driver = {
      service_account_role_arn = aws_iam_role.ebs_csi.arn
      # A default gp3 StorageClass (ebs-csi-default-sc) for the journal's volume.
      configuration_values = jsonencode({
        defaultStorageClass = { enabled = true }
      })
    }
  }

  eks_managed_node_groups = merge(
    {
      # System add-ons, monitoring agents and (without dedicated nodes) the engine.
      system = merge(local.node_group_defaults, {
        min_size     = var.node_min_size
        max_size     = var.node_max_size
        desired_size = var.node_desired_size
      })
    },
    {
      # The engine alone: labelled and tainted so nothing else lands beside it.
      for name, group in {
        trading = merge(local.node_group_defaults, {
          min_size     = 1
          max_size     = 2
          desired_size = 1
          labels       = { "hyperdesk.io/pool" = "trading" }
          taints = {
            trading = {
              key    = "hyperdesk.io/trading"
              value  = "true"
              effect = "NO_SCHEDULE"
            }
          }
        })
      } : name => group if var.dedicated_trading_nodes
    }
  )
}

# The EBS CSI driver provisions the journal's volume.
resource "aws_iam_role" "ebs_csi" {
  name               = "${local.name}-ebs-csi"
  assume_role_policy = data.aws_iam_policy_document.ebs_csi_trust.json
}

data "aws_iam_policy_document" "ebs_csi_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [module.eks.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:sub"
      values   = ["system:serviceaccount:kube-system:ebs-csi-controller-sa"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}
