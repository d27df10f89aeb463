#include "controlplane/aaa/aaa.h"

namespace lns::aaa {

AssignFailure classify_assign_failure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound: return AssignFailure::kUnknownUser;
    case absl::StatusCode::kResourceExhausted: return AssignFailure::kPoolExhausted;
    case absl::StatusCode::kAlreadyExists: return AssignFailure::kInUse;
    case absl::StatusCode::kFailedPrecondition: return AssignFailure::kNoPool;
    case absl::StatusCode::kUnavailable: return AssignFailure::kUnavailable;
    default: return AssignFailure::kOther;
  }
}

std::string_view to_string(AssignFailure failure) {
  switch (failure) {
    case AssignFailure::kUnknownUser: return "unknown user";
    case AssignFailure::kPoolExhausted: return "pool exhausted";
    case AssignFailure::kInUse: return "fixed addresses in use";
    case AssignFailure::kNoPool: return "no pool";
    case AssignFailure::kUnavailable: return "AAA unavailable";
    case AssignFailure::kOther: return "other";
  }
  return "other";
}

}  // namespace lns::aaa
