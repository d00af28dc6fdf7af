#include <catch2/catch.hpp>
#include <roundtable/commands/jobs.hpp>
#include <roundtable/util/error.hpp>

using namespace roundtable;

TEST_CASE("jobs::batch_options_json") {
    SECTION("what a run records comes back as given") {
        commands::BatchOptions o;
        o.inputs = {"corpus/", "more.jsonl"};
        o.jsonl = "cards.jsonl";
        o.jobs = 7;
        o.max_in_flight = 3;
        o.shard = "2/4";
        o.fail_on = {"stance=bearish"};
        o.report = "r.html";
        o.band = 0.02;
        o.rebuttal = false;
        o.anonymize = true;
        o.max_bytes = 12345;
        o.finish_sync = true;
        o.poll_seconds = 0.5;
        o.prompts_dir = "prompts/";
        o.overrides.config_path = "/etc/rt.toml";
        o.overrides.panel = {"claude", "gpt"};
        o.overrides.models = {{"gpt", "gpt-5"}};
        o.overrides.efforts = {{"", "high"}};
        o.overrides.chair = "gpt";
        o.overrides.quorum = 2;
        o.overrides.timeout_s = 30;
        o.overrides.retries = 1;
        o.overrides.rpm = 50;
        o.detach = true; // not recorded: collecting never detaches
        const commands::BatchOptions back =
            commands::batch_options_from_json(commands::batch_options_json(o));
        CHECK(back.inputs == o.inputs);
        CHECK(back.jsonl == o.jsonl);
        CHECK(back.jobs == 7);
        CHECK(back.max_in_flight == 3);
        CHECK(back.shard == "2/4");
        CHECK(back.fail_on == o.fail_on);
        CHECK(back.report == "r.html");
        CHECK(back.band == 0.02);
        CHECK(!back.rebuttal);
        CHECK(back.anonymize);
        CHECK(back.max_bytes == 12345);
        CHECK(back.finish_sync);
        CHECK(back.poll_seconds == 0.5);
        CHECK(back.prompts_dir == o.prompts_dir);
        CHECK(back.overrides.config_path == o.overrides.config_path);
        CHECK(back.overrides.panel == o.overrides.panel);
        CHECK(back.overrides.models == o.overrides.models);
        CHECK(back.overrides.efforts == o.overrides.efforts);
        CHECK(back.overrides.chair == o.overrides.chair);
        CHECK(back.overrides.quorum == 2);
        CHECK(back.overrides.timeout_s == 30);
        CHECK(back.overrides.retries == 1);
        CHECK(back.overrides.rpm == 50);
        CHECK(!back.overrides.tpm);
        CHECK(back.provider_batch);
        CHECK(!back.detach);
    }
    SECTION("a record that is not one is a config error") {
        try {
            commands::batch_options_from_json("{\"inputs\": 3}");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::config);
            CHECK(std::string(e.what()).starts_with(
                "jobs: the run's recorded options are unreadable"));
        }
    }
}
