// InputError: a plain message, or typed fields plus a message whose settings each front
// end words its own way (the command line's wording is what()); copies share the data.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/error.hpp"

namespace lightcone {
namespace {

TEST(InputError, PlainMessagesHaveNoFields) {
  const InputError e("bad input.");
  EXPECT_STREQ(e.what(), "bad input.");
  EXPECT_EQ(e.file(), "");
  EXPECT_EQ(e.key(), "");
  EXPECT_FALSE(e.fid());
  EXPECT_EQ(e.kind(), InputErrorKind::other);
  EXPECT_EQ(e.text(SourceNames{"a", "b", "c", "d"}), "bad input.");
}

TEST(InputError, SettingsAreWordedByTheFrontEnd) {
  InputErrorFields f = about_layer("net.gpkg", "fibre", "where");
  f.fid = 4;
  f.option = "--network";
  InputMessage m{"no match for ", Setting::where, " (net.gpkg:fibre). Drop ", Setting::where, "."};
  m += {" Use ", Setting::path_and_layer, " or fix ", Setting::source, "."};
  m += {" Or give ", Setting::id_field, " a field."};
  const InputError e(f, m);
  EXPECT_STREQ(e.what(),
               "no match for --network-where (net.gpkg:fibre). Drop --network-where. Use --network PATH:LAYER or fix "
               "--network. Or give --site-id a field.");
  EXPECT_EQ(e.text({"[network]", "'where' in [network]", "'path' and 'layer' in [network]", "'id_field' in [sites]"}),
            "no match for 'where' in [network] (net.gpkg:fibre). Drop 'where' in [network]. Use 'path' and 'layer' "
            "in [network] or fix [network]. Or give 'id_field' in [sites] a field.");
  EXPECT_TRUE(e.message().names(Setting::where));
  EXPECT_EQ(e.file(), "net.gpkg");
  EXPECT_EQ(e.layer(), "fibre");
  EXPECT_EQ(e.fid(), std::optional<std::int64_t>(4));
  const InputError copy = e;  // copies keep the fields
  EXPECT_EQ(copy.key(), "where");
  EXPECT_STREQ(copy.what(), e.what());
  EXPECT_FALSE(InputMessage{"plain"}.names(Setting::where));
}

}  // namespace
}  // namespace lightcone
