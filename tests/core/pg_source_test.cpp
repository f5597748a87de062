// PostGIS source strings: the layer split off in every form the README shows, connection
// strings that hold blanks, '=' and ':' kept whole, passwords never shown.
#include <gtest/gtest.h>

#include "core/pg_source.hpp"

namespace lightcone {
namespace {

struct Case {
  const char* text;
  const char* connection;
  const char* layer;
};

TEST(PgSource, SplitsTheLayerOffInEveryForm) {
  const Case cases[] = {
      // Quoted, with and without blanks around ':'.
      {R"(PG:"dbname=gis host=db":src.fibre)", "PG:dbname=gis host=db", "src.fibre"},
      {R"(PG:"dbname=gis host=db" :src.fibre)", "PG:dbname=gis host=db", "src.fibre"},
      {R"(PG:"dbname=gis host=db" : src.fibre )", "PG:dbname=gis host=db", "src.fibre"},
      {R"(PG:'dbname=gis host=db':fibre)", "PG:dbname=gis host=db", "fibre"},
      // Quoted: any character inside, also ':' and '=' in a password.
      {R"(PG:"dbname=gis password='a:b=c' host=db":src.fibre)", "PG:dbname=gis password='a:b=c' host=db", "src.fibre"},
      {R"(PG:"dbname=gis host=db")", "PG:dbname=gis host=db", ""},
      // Unquoted.
      {"PG:dbname=gis host=db:src.fibre", "PG:dbname=gis host=db", "src.fibre"},
      {"PG:dbname=gis host=10.0.0.7 port=5433:fibre", "PG:dbname=gis host=10.0.0.7 port=5433", "fibre"},
      {"PG:dbname=gis host=db", "PG:dbname=gis host=db", ""},
      // A ':' inside libpq's single quotes, after '=' or after ':' is not a layer.
      {"PG:dbname=gis password='x:y'", "PG:dbname=gis password='x:y'", ""},
      {"PG:dbname=gis password='x:y':src.t", "PG:dbname=gis password='x:y'", "src.t"},
      {"PG:dbname=gis host=::1", "PG:dbname=gis host=::1", ""},
      {"PG:dbname=gis host=fe80::1", "PG:dbname=gis host=fe80::1", ""},
      {"PG:dbname=gis host=db options=-c\\ a=b", "PG:dbname=gis host=db options=-c\\ a=b", ""},
      // URIs: host:port stays whole; a layer after the database.
      {"PG:postgresql://planner@db:5432/gis", "PG:postgresql://planner@db:5432/gis", ""},
      {"PG:postgresql://planner@db:5432/gis:src.fibre", "PG:postgresql://planner@db:5432/gis", "src.fibre"},
  };
  for (const Case& c : cases) {
    const auto split = split_pg_source(c.text);
    ASSERT_TRUE(split.has_value()) << c.text;
    EXPECT_EQ(split->connection, c.connection) << c.text;
    EXPECT_EQ(split->layer, c.layer) << c.text;
  }
  EXPECT_FALSE(split_pg_source("data/x.gpkg:fibre"));
  EXPECT_FALSE(split_pg_source(R"(PG:"dbname=gis host=db)")) << "unclosed quote";
  EXPECT_FALSE(split_pg_source(R"(PG:"dbname=gis" x:fibre)")) << "text between the quote and ':'";
  EXPECT_FALSE(split_pg_source(R"(PG:"dbname=gis":)")) << "':' without a layer";
}

TEST(PgSource, RedactsPasswordsAndNamesTheServer) {
  EXPECT_EQ(redact_pg_source("PG:dbname=gis host=db password=s3cret user=u"), "PG:dbname=gis host=db password=*** user=u");
  EXPECT_EQ(redact_pg_source("PG:password = 's3 cr\\'et' dbname=gis"), "PG:password = *** dbname=gis");
  EXPECT_EQ(redact_pg_source("PG:dbname=gis PASSWORD=x"), "PG:dbname=gis PASSWORD=***");
  EXPECT_EQ(redact_pg_source("PG:postgresql://planner:s3cret@db:5432/gis"), "PG:postgresql://planner:***@db:5432/gis");
  EXPECT_EQ(redact_pg_source("PG:postgresql://planner@db/gis"), "PG:postgresql://planner@db/gis");
  EXPECT_EQ(redact_pg_source("data/x.gpkg"), "data/x.gpkg");
  EXPECT_EQ(pg_source_password("PG:password = 's3 cr\\'et' dbname=gis"), "s3 cr'et");
  EXPECT_EQ(pg_source_password("PG:postgresql://planner:s3cret@db:5432/gis"), "s3cret");
  EXPECT_EQ(pg_source_password("PG:dbname=gis"), "");
  EXPECT_EQ(pg_source_target("PG:password=s3cret user=u dbname=gis port=5433 host=db"),
            "host=db port=5433 dbname=gis user=u");
  EXPECT_EQ(pg_source_target("PG:postgresql://planner:s3cret@db:5432/gis?sslmode=require"),
            "host=db:5432 dbname=gis user=planner");
  EXPECT_EQ(pg_source_target("PG:"), "(defaults)");
}

}  // namespace
}  // namespace lightcone
