// Who may do what: the permissions of each staff role, and role names as stored.
#include <doctest/doctest.h>

#include <string>

#include "staff/roles.hpp"

namespace {

using staff::Permission;
using staff::Role;

constexpr Permission k_permissions[] = {Permission::scan,    Permission::read_dossiers,
                                        Permission::act,     Permission::dispatch,
                                        Permission::reports, Permission::manage};

}  // namespace

TEST_CASE("the mailroom may only scan") {
  for (Permission p : k_permissions) {
    CAPTURE(staff::permission_name(p));
    CHECK(staff::role_allows(Role::mailroom, p) == (p == Permission::scan));
  }
}

TEST_CASE("an officer may do everything except scan and manage users and tokens") {
  CHECK_FALSE(staff::role_allows(Role::officer, Permission::scan));
  CHECK(staff::role_allows(Role::officer, Permission::read_dossiers));
  CHECK(staff::role_allows(Role::officer, Permission::act));
  CHECK(staff::role_allows(Role::officer, Permission::dispatch));
  CHECK(staff::role_allows(Role::officer, Permission::reports));
  CHECK_FALSE(staff::role_allows(Role::officer, Permission::manage));
}

TEST_CASE("an admin may do everything") {
  for (Permission p : k_permissions) {
    CAPTURE(staff::permission_name(p));
    CHECK(staff::role_allows(Role::admin, p));
  }
}

TEST_CASE("a role's name reads back as the same role and an unknown name is no role") {
  for (Role r : {Role::mailroom, Role::officer, Role::admin}) {
    CAPTURE(staff::role_name(r));
    REQUIRE(staff::parse_role(staff::role_name(r)).has_value());
    CHECK(*staff::parse_role(staff::role_name(r)) == r);
  }
  CHECK(staff::role_name(Role::mailroom) == "mailroom");
  CHECK(staff::role_name(Role::officer) == "officer");
  CHECK(staff::role_name(Role::admin) == "admin");
  CHECK_FALSE(staff::parse_role("root").has_value());
  CHECK_FALSE(staff::parse_role("").has_value());
}
