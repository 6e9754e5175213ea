# The drift guard's waivers in the settings ("waivers": lambda-src/policy/waivers.ts). On its own
# (with variables.tf) so test/integration/waiver-validation.test.ts can plan it without providers.
locals {
  waivers_config = [for w in var.drift_waivers : merge(
    { groupId = w.group_id, direction = w.direction, protocol = lower(w.protocol), source = w.source, expires = w.expires, reason = w.reason, owner = w.owner },
    w.from_port == null ? {} : { fromPort = w.from_port },
    w.to_port == null ? {} : { toPort = w.to_port },
  )]
}
