#include "staff/roles.hpp"

namespace staff {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::mailroom:
      return "mailroom";
    case Role::officer:
      return "officer";
    case Role::admin:
      return "admin";
  }
  return "mailroom";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::mailroom, Role::officer, Role::admin}) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view permission_name(Permission permission) {
  switch (permission) {
    case Permission::scan:
      return "scan";
    case Permission::read_dossiers:
      return "read_dossiers";
    case Permission::act:
      return "act";
    case Permission::dispatch:
      return "dispatch";
    case Permission::reports:
      return "reports";
    case Permission::manage:
      return "manage";
  }
  return "manage";
}

bool role_allows(Role role, Permission permission) {
  switch (role) {
    case Role::admin:
      return true;
    case Role::mailroom:
      return permission == Permission::scan;
    case Role::officer:
      return permission != Permission::scan && permission != Permission::manage;
  }
  return false;
}

}  // namespace staff
