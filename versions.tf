terraform {
  required_version = ">= 1.5.0"

  required_providers {
    # tflint-ignore: terraform_unused_required_providers # the root states the constraint its submodules need
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
