#include "records.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <roundtable/score/render.hpp>
#include <support/temp_dir.hpp>
#include <sys/wait.h>

using namespace roundtable;
using namespace roundtable::testing;
using nlohmann::json;

namespace {

struct Run {
    int status = -1;
    std::string output; // stdout and stderr together
};

Run run(const std::string& command) {
    Run result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    std::array<char, 4096> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        result.output.append(buffer.data(), n);
    }
    const int raw = ::pclose(pipe);
    result.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return result;
}

std::vector<std::string> property_names(const json& schema) {
    std::vector<std::string> names;
    for (const auto& [name, value] : schema.at("properties").items()) {
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> key_names(const json& object) {
    std::vector<std::string> names;
    for (const auto& [name, value] : object.items()) {
        names.push_back(name);
    }
    return names; // sorted: nlohmann::json keeps keys in order
}

} // namespace

TEST_CASE("schema::score_json_schema") {
    const json schema = json::parse(score::score_json_schema());
    const auto scored = score::compute(sample_records(), sample_outcomes(), 0.01);
    const json j = json::parse(score::render_json(scored));

    SECTION("draft 2020-12, the v1 name, every name the JSON writes") {
        CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
        CHECK(schema.at("properties").at("schema").at("const") == "roundtable.score/v1");
        CHECK(property_names(schema) == key_names(j));
        const json& defs = schema.at("$defs");
        CHECK(property_names(defs.at("seat")) == key_names(j.at("seats").at(0)));
        CHECK(property_names(defs.at("bin")) ==
              key_names(j.at("seats").at(0).at("calibration").at(0)));
        CHECK(property_names(defs.at("panel")) == key_names(j.at("panel")));
        CHECK(property_names(defs.at("level")) ==
              key_names(j.at("panel").at("by_agreement").at(0)));
        const json verbose = json::parse(score::render_json(scored, true));
        CHECK(property_names(defs.at("articles")) == key_names(verbose.at("articles")));
    }
    SECTION("the JSON of a score validates (python3 jsonschema), a broken one does not") {
        const Run probe = run("python3 -c 'import jsonschema; jsonschema.Draft202012Validator'");
        if (probe.status != 0) {
            FAIL("score schema validation needs python3 with the jsonschema module: "
                 "apt-get install -y python3-jsonschema\n"
                 << probe.output);
        }
        TempDir dir;
        auto schema_path = dir.write("schema.json", score::score_json_schema());
        auto full = dir.write("full.json", score::render_json(scored, true));
        auto empty = dir.write("empty.json", score::render_json(score::compute({}, {}, 0.01)));
        json broken = j;
        broken["seats"][0]["accuracy_final"] = 1.5;
        auto bad = dir.write("bad.json", broken.dump());
        const std::string validator = "python3 '" + std::string(RT_SOURCE_DIR) +
                                      "/tests/schema/validate_card.py' '" + schema_path.string() +
                                      "' ";
        const Run good = run(validator + "'" + full.string() + "' '" + empty.string() + "'");
        INFO(good.output);
        CHECK(good.status == 0);
        const Run failed = run(validator + "'" + bad.string() + "'");
        INFO(failed.output);
        CHECK(failed.status == 1);
        CHECK(failed.output.find("/seats/0/accuracy_final") != std::string::npos);
    }
}
