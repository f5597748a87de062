#include "io/postgis.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "core/layers.hpp"
#include "core/pg_source.hpp"
#include "io/gdal_util.hpp"

namespace lightcone {
namespace {

constexpr std::size_t kMaxSchemaLength = 48;  // + "__lc_staging" stays within PostgreSQL's 63
constexpr const char* kStagingSuffix = "__lc_staging";

std::string quoted(const std::string& identifier) { return "\"" + identifier + "\""; }

bool is_plain_identifier(const std::string& s) {
  if (s.empty() || s.size() > kMaxSchemaLength) return false;
  if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// The tables lightcone writes into a run schema (a run has some of them).
bool is_run_table(const std::string& name) {
  for (const char* n : {kZonesLayer, kZonesSplitLayer, kNetworkLayer, kSitesLayer, kDemandLayer, kUncoveredLayer,
                        kRunInfoLayer, kAssignmentsLayer, kBoundariesLayer})
    if (name == n) return true;
  return false;
}

[[noreturn]] void fail(const PostgisTarget& t, const std::string& what) {
  throw InputError(about_file(t.display(), t.option), {what});
}

// Runs `sql`; the first column of each row it returns, as text. Throws on failure.
std::vector<std::string> run_sql(GDALDataset& ds, const PostgisTarget& t, const std::string& sql, const std::string& what) {
  CPLErrorReset();
  std::vector<std::string> rows;
  OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (result != nullptr) {
    for (auto& f : *result)
      if (f->GetFieldCount() > 0) rows.emplace_back(f->IsFieldSetAndNotNull(0) ? f->GetFieldAsString(0) : "");
    ds.ReleaseResultSet(result);
  }
  if (CPLGetLastErrorType() >= CE_Failure) {
    fail(t, "cannot " + what + " in PostgreSQL (" + t.display() + "): " +
                scrub_password(last_gdal_error(), t.connection) + ".");
  }
  return rows;
}

std::string literal(const std::string& s) { return "'" + s + "'"; }  // REQUIRES: s is a plain identifier

DatasetPtr connect(const PostgisTarget& t) {
  DatasetPtr ds = open_pg(t.connection, /*update=*/true);
  if (!ds) fail(t, pg_open_failure(t.connection) + " Check the connection string given to " + t.option + ".");
  return ds;
}

// The tables and views of `schema`, or nullopt when it does not exist.
std::optional<std::vector<std::string>> schema_tables(GDALDataset& ds, const PostgisTarget& t, const std::string& schema) {
  const auto exists = run_sql(ds, t, "SELECT nspname FROM pg_namespace WHERE nspname = " + literal(schema), "look up the schema");
  if (exists.empty()) return std::nullopt;
  return run_sql(ds, t,
                 "SELECT table_name FROM information_schema.tables WHERE table_schema = " + literal(schema) +
                     " ORDER BY table_name",
                 "list the schema's tables");
}

// Refuses to replace a schema that is not a lightcone run's.
void check_replaceable(GDALDataset& ds, const PostgisTarget& t) {
  const auto tables = schema_tables(ds, t, t.schema);
  if (!tables) return;
  std::string foreign;
  bool has_run_info = false;
  for (const std::string& name : *tables) {
    if (name == kRunInfoLayer) has_run_info = true;
    if (!is_run_table(name)) foreign += (foreign.empty() ? "" : ", ") + name;
  }
  if (!has_run_info || !foreign.empty()) {
    fail(t, "schema '" + t.schema + "' exists in PostgreSQL (" + pg_source_target(t.connection) +
                ") and is not a lightcone run (" +
                (!foreign.empty() ? "it holds " + foreign : std::string("it has no run_info table")) +
                "); lightcone replaces only a schema it wrote. Give " + t.option + " another schema, e.g. " +
                t.schema + "_run.");
  }
}

}  // namespace

std::string PostgisTarget::display() const { return redact_pg_source(connection) + ":" + schema; }

PostgisTarget parse_postgis_target(std::string_view text, std::string option) {
  PostgisTarget t;
  t.option = std::move(option);
  const std::optional<PgSourceSplit> split = split_pg_source(text);
  const std::string shown = redact_pg_source(text);
  if (!split) {
    throw InputError(about_file(shown, t.option),
                     {"cannot read the PostgreSQL target " + shown + " given to " + t.option +
                      ": write PG:\"CONNECTION\":SCHEMA, e.g. PG:\"dbname=gis host=db\":qingdao_run."});
  }
  t.connection = split->connection;
  t.schema = split->layer;
  if (t.schema.empty()) {
    throw InputError(about_file(shown, t.option),
                     {"no schema in " + shown + " given to " + t.option +
                      ": a run is written into a schema of its own; write PG:\"CONNECTION\":SCHEMA, e.g. "
                      "PG:\"dbname=gis host=db\":qingdao_run."});
  }
  if (!is_plain_identifier(t.schema) || t.schema.rfind("pg_", 0) == 0 || t.schema == "information_schema" ||
      t.schema == "public") {
    throw InputError(about_file(shown, t.option),
                     {"schema name '" + t.schema + "' given to " + t.option +
                      " is not usable for a run: use lower-case letters, digits and '_' (at most " +
                      std::to_string(kMaxSchemaLength) +
                      " characters, not starting with a digit or pg_, not public), e.g. qingdao_run."});
  }
  return t;
}

void check_postgis_target(const PostgisTarget& t) {
  DatasetPtr ds = connect(t);
  const auto may = run_sql(*ds, t, "SELECT has_database_privilege(current_database(), 'CREATE')", "check privileges");
  if (may.empty() || (may.front() != "1" && may.front() != "t" && may.front() != "true")) {
    const auto who = run_sql(*ds, t, "SELECT current_user", "check privileges");
    fail(t, "user " + (who.empty() ? std::string("?") : who.front()) + " may not create schemas in PostgreSQL (" +
                pg_source_target(t.connection) + "). GRANT CREATE ON DATABASE to it, or give " + t.option +
                " another database.");
  }
  check_replaceable(*ds, t);
}

void write_postgis_tables(const PostgisTarget& t, std::span<const FeatureTable> tables) {
  DatasetPtr ds = connect(t);
  ScopedConfig copy("PG_USE_COPY", "YES");
  const std::string staging = t.schema + kStagingSuffix;
  if (ds->StartTransaction() != OGRERR_NONE) {
    fail(t, "cannot start a transaction in PostgreSQL (" + t.display() + "): " +
                scrub_password(last_gdal_error(), t.connection) + ".");
  }
  try {
    GdalErrorCollector errors;
    run_sql(*ds, t, "SELECT pg_advisory_xact_lock(hashtext(" + literal("lightcone:" + t.schema) + "))", "lock the schema");
    check_replaceable(*ds, t);
    if (schema_tables(*ds, t, staging)) run_sql(*ds, t, "DROP SCHEMA " + quoted(staging) + " CASCADE", "drop a stale staging schema");
    run_sql(*ds, t, "CREATE SCHEMA " + quoted(staging), "create the schema " + staging);
    for (const FeatureTable& table : tables) {
      char** lco = nullptr;
      lco = CSLSetNameValue(lco, "SCHEMA", staging.c_str());
      lco = CSLSetNameValue(lco, "FID", "fid");
      lco = CSLSetNameValue(lco, "PRECISION", "NO");
      if (table_geometry_type(table) != wkbNone) {
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "GIST");
      }
      OGRLayer* layer = nullptr;
      try {
        layer = create_table_layer(*ds, table, lco, t.display());
      } catch (...) {
        CSLDestroy(lco);
        throw;
      }
      CSLDestroy(lco);
      write_table_features(*layer, table, !table.fid.empty(), t.display());
      if (errors.failed()) break;
    }
    if (!errors.failed()) {
      if (const auto old = schema_tables(*ds, t, t.schema)) {
        for (const std::string& name : *old)
          run_sql(*ds, t, "DROP TABLE " + quoted(t.schema) + "." + quoted(name) + " RESTRICT", "drop the old table " + name);
        run_sql(*ds, t, "DROP SCHEMA " + quoted(t.schema) + " RESTRICT", "drop the old schema");
      }
      run_sql(*ds, t, "ALTER SCHEMA " + quoted(staging) + " RENAME TO " + quoted(t.schema), "rename the new schema");
    }
    if (errors.failed()) {
      fail(t, "cannot write the run to PostgreSQL (" + t.display() + "): " + scrub_password(errors.message(), t.connection) +
                  ".");
    }
    if (ds->CommitTransaction() != OGRERR_NONE) {
      fail(t, "cannot commit the run to PostgreSQL (" + t.display() + "): " +
                  scrub_password(last_gdal_error(), t.connection) + ".");
    }
  } catch (...) {
    ds->RollbackTransaction();
    throw;
  }
}

}  // namespace lightcone
