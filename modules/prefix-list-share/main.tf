# The feeds' prefix lists shared through AWS RAM: member accounts reference the hub's lists in their
# own groups, and a feed change stays one write per list however many accounts use it. Only inside
# the organization (allow_external_principals = false); consumers can read and reference, not modify.
resource "aws_ram_resource_share" "this" {
  name                      = var.name
  allow_external_principals = false
  tags                      = var.tags
}

resource "aws_ram_principal_association" "this" {
  for_each = toset(var.principals)

  principal          = each.value
  resource_share_arn = aws_ram_resource_share.this.arn
}

resource "aws_ram_resource_association" "this" {
  for_each = var.prefix_list_arns

  resource_arn       = each.value
  resource_share_arn = aws_ram_resource_share.this.arn
}
