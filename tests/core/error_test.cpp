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

  // A field mapping: the command line's option, or the front end's name for its key.
  const InputError field(f, {"non-numeric value. Fix ", {Setting::field, "weight", "--weight"}, "."});
  EXPECT_STREQ(field.what(), "non-numeric value. Fix --weight.");
  SourceNames scenario{"[demand]", "'where' in [demand]", "'path' and 'layer' in [demand]", "'id_field' in [demand]"};
  scenario.field = [](std::string_view key) { return "'" + std::string(key) + "_field' in [demand]"; };
  EXPECT_EQ(field.text(scenario), "non-numeric value. Fix 'weight_field' in [demand].");
  EXPECT_TRUE(field.message().names(Setting::field));
}

// Issue 12, item 19: a message is one line of printable text whatever the data held;
// nothing after a NUL is lost, and escaping twice changes nothing.
TEST(InputError, ControlCharactersAreEscaped) {
  using namespace std::string_literals;
  EXPECT_EQ(escape_control("a\nb\rc\td\x1b[31me\x7f"s), "a\\nb\\rc\\td\\x1b[31me\\x7f");
  EXPECT_EQ(escape_control("net\0.gpkg"s), "net\\0.gpkg");
  EXPECT_EQ(escape_control("C:\\data\\n.gpkg, Qingdao \u9752\u5c9b"), "C:\\data\\n.gpkg, Qingdao \u9752\u5c9b");
  EXPECT_EQ(escape_control(escape_control("x\ny\x01"s)), "x\\ny\\x01");

  const InputError plain("file not found (a\nb\0c.gpkg)."s);
  EXPECT_STREQ(plain.what(), "file not found (a\\nb\\0c.gpkg).");
  EXPECT_EQ(plain.text(SourceNames{}), "file not found (a\\nb\\0c.gpkg).");
  InputErrorFields f = about_layer("x\x1b.gpkg", "fibre", "weight");
  f.option = "--network";
  const InputError typed(f, {"field 'w' not found (x\x1b.gpkg:fibre). Fix ", Setting::source, "."});
  EXPECT_STREQ(typed.what(), "field 'w' not found (x\\x1b.gpkg:fibre). Fix --network.");
  EXPECT_EQ(typed.text({"[network]", "", "", ""}), "field 'w' not found (x\\x1b.gpkg:fibre). Fix [network].");
  EXPECT_EQ(typed.file(), "x\x1b.gpkg");  // the fields keep the data as it is
}

}  // namespace
}  // namespace lightcone
