# The bundled terraform ruleset, all rules. The AWS ruleset (tflint-ruleset-aws) is enabled by
# scripts/bootstrap.sh only where it can be installed; see README (Contributing).
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
