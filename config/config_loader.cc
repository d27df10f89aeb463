#include "config/config_loader.h"

#include <libconfig.h++>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "config/config_reader.h"
#include "config/config_validator.h"
#include "config/diagnostics.h"
#include "config/source_map.h"
#include "config/source_prescan.h"

namespace lns::config {
namespace {

absl::Status read_error(const std::string& path, int error_number) {
  std::string message = absl::StrCat("cannot read ", path, ": ", std::strerror(error_number));
  switch (error_number) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
      return absl::PermissionDeniedError(message);
    default:
      return absl::FailedPreconditionError(message);
  }
}

}  // namespace

absl::StatusOr<Config> load_config_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return read_error(path, errno);
  std::string text;
  char buffer[64 * 1024];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, got);
  // A directory opens fine and fails here with EISDIR.
  if (std::ferror(file.get())) return read_error(path, errno);
  return load_config_string(text, path);
}

absl::StatusOr<Config> load_config_string(std::string_view text_in,
                                          std::string_view source_name_in) {
  absl::string_view text(text_in.data(), text_in.size());
  absl::string_view source_name(source_name_in.data(), source_name_in.size());
  Diagnostics diagnostics{std::string(source_name)};
  PrescannedSource source = prescan_source(text);
  for (const PrescanError& error : source.errors) diagnostics.add(error.line, "", error.message);
  if (!diagnostics.empty()) return diagnostics.to_status();

  libconfig::Config tree;
  try {
    tree.readString(source.text);
  } catch (const libconfig::ParseException& e) {
    diagnostics.add(e.getLine(), "", e.getError());
    return diagnostics.to_status();
  }

  Config config;
  config.source = std::string(source_name);
  SourceMap where;
  try {
    read_config(tree.getRoot(), config, where, diagnostics);
  } catch (const libconfig::ConfigException& e) {
    // The reader checks every type before converting, so this means a bug.
    diagnostics.add(0, "", absl::StrCat("internal error while reading: ", e.what()));
  }
  if (!diagnostics.empty()) return diagnostics.to_status();
  validate_config(config, where, diagnostics);
  if (!diagnostics.empty()) return diagnostics.to_status();
  return config;
}

}  // namespace lns::config
