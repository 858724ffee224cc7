// Shared types of the modules.

// A role granted to a managed identity on the resource that takes this list.
@export()
type Grant = {
  identityId: string
  principalId: string
  roleDefinitionGuid: string
}

// Azure tags: string values only.
@export()
type Tags = { *: string }
