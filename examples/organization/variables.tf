variable "region" {
  description = "The hub's home region."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-org"
}

variable "organization_id" {
  description = "Your AWS Organizations ID: the hub bus admits its principals, the member roles trust the hub only as one of them."
  type        = string
  default     = "o-exampleorg1"
}

variable "external_id" {
  description = "External ID the function passes when it assumes a member role (null: aws:PrincipalOrgID alone)."
  type        = string
  default     = "sg-guardian-example"
}

variable "member_a" {
  description = "First member account (guarded in us-east-1)."
  type        = string
  default     = "111111111111"
}

variable "member_b" {
  description = "Second member account (guarded in eu-west-1)."
  type        = string
  default     = "222222222222"
}

variable "deploy_role_name" {
  description = "Role Terraform assumes in each member account to deploy its spoke."
  type        = string
  default     = "OrganizationAccountAccessRole"
}

variable "share_prefix_lists_with" {
  description = "Who gets the feed's prefix lists through AWS RAM: the organization ARN, OU ARNs or account IDs (inside the organization)."
  type        = list(string)
  default     = ["111111111111", "222222222222"]
}
