// Who may do what at the desk: the three staff roles and the permissions each holds.
// Pure functions; knows nothing about HTTP, sessions or storage.
#pragma once

#include <optional>
#include <string_view>

namespace staff {

enum class Role {
  mailroom,  // văn thư: scans envelopes, works the manual queue, handover batches
  officer,   // cán bộ: reads and moves dossiers, prints forms and labels, dispatches, reports
  admin,     // quản trị: everything, and users and API tokens
};

std::string_view role_name(Role role);  // "mailroom", "officer", "admin"
std::optional<Role> parse_role(std::string_view name);

enum class Permission {
  scan,           // upload or type envelopes, the manual queue, handover batches
  read_dossiers,  // staff views of dossiers, with personal data
  act,            // lifecycle actions, contact details
  dispatch,       // order return shipments, print labels
  reports,        // the report and its CSV
  manage,         // users, API tokens
};

std::string_view permission_name(Permission permission);

// True iff `role` holds `permission`. Admin holds all; mailroom only scan; officer all but scan and
// manage.
bool role_allows(Role role, Permission permission);

}  // namespace staff
