// include/lowbit/ops.def against schema/lowbit.fbs, read as text at test time
// (the path is compiled in): every operator and options kind of one must be
// in the other, with the same value or position.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "graph/op_list.h"
#include "lowbit/graph.h"

namespace lowbit {
namespace {

std::string read_schema() {
  const std::string path = std::string(LOWBIT_SOURCE_DIR) + "/schema/lowbit.fbs";
  std::ifstream in(path);
  INFO(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  // Comments could hold anything that looks like an entry.
  return std::regex_replace(text.str(), std::regex("//[^\n]*"), "");
}

// The text between "<head> {" and the next "}".
std::string block(const std::string& schema, const std::string& head) {
  std::smatch m;
  const bool found = std::regex_search(schema, m, std::regex(head + R"(\s*\{([^}]*)\})"));
  INFO("schema/lowbit.fbs: " << head);
  REQUIRE(found);
  return m[1].str();
}

// "NAME = value" entries of a FlatBuffers enum.
std::map<std::string, int> enum_entries(const std::string& body) {
  std::map<std::string, int> entries;
  const std::regex entry(R"((\w+)\s*=\s*(\d+))");
  for (std::sregex_iterator it(body.begin(), body.end(), entry), end; it != end; ++it) {
    entries[(*it)[1].str()] = std::stoi((*it)[2].str());
  }
  return entries;
}

// Member names of a FlatBuffers union, in order.
std::vector<std::string> union_members(const std::string& body) {
  std::vector<std::string> members;
  const std::regex member(R"(\w+)");
  for (std::sregex_iterator it(body.begin(), body.end(), member), end; it != end; ++it) {
    members.push_back(it->str());
  }
  return members;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

TEST_CASE("the operator list matches the schema's OpType enum both ways") {
  const std::map<std::string, int> schema =
      enum_entries(block(read_schema(), R"(enum OpType\s*:\s*ubyte)"));
  REQUIRE(!schema.empty());

  std::map<std::string, int> listed;
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) listed[#SCHEMA_NAME] = value;
#include "lowbit/ops.def"
  CHECK(static_cast<int>(listed.size()) == kNumOpTypes);

  for (const auto& [name, value] : listed) {
    INFO("lowbit/ops.def lists " << name << " = " << value);
    REQUIRE(schema.count(name) == 1);
    CHECK(schema.at(name) == value);
    CHECK(op_type_name(static_cast<OpType>(value)) == name);
  }
  for (const auto& [name, value] : schema) {
    INFO("schema/lowbit.fbs has " << name << " = " << value);
    CHECK(listed.count(name) == 1);
    CHECK(value < kNumOpTypes);
  }
}

TEST_CASE("the options kinds match the schema's Options union both ways, in order") {
  const std::vector<std::string> schema = union_members(block(read_schema(), "union Options"));
  std::vector<std::string> listed;
#define LOWBIT_OPTIONS(Kind) listed.push_back(#Kind);
#include "lowbit/ops.def"
  INFO("lowbit/ops.def: " << joined(listed) << "\nschema/lowbit.fbs: " << joined(schema));
  CHECK(listed == schema);
  // The variant's alternatives follow the list, after NoOptions (union tag 0).
  REQUIRE(std::variant_size_v<OpOptions> == listed.size() + 1);
  CHECK(std::string(options_kind_name(OpOptions())) == "no options");
#define LOWBIT_OPTIONS(Kind) CHECK(std::string(options_kind_name(Kind{})) == #Kind);
#include "lowbit/ops.def"
}

TEST_CASE("each operator's default options are of the kind the list names") {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) \
  CHECK(std::holds_alternative<OptionsKind>(default_options(OpType::k##Name)));
#include "lowbit/ops.def"
}

}  // namespace
}  // namespace lowbit
