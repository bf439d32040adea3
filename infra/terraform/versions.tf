terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.28"
    }
  }

  # Partial configuration: bucket, key, region and the lock table come from
  # environments/<env>.s3.tfbackend (terraform init -backend-config=...), so one code base
  # serves every environment with its own state. See README.md.
  backend "s3" {}
}
