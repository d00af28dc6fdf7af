// The batch client against the fake server's four batch protocols (tests/fake/fake_batch.hpp).
#include <catch2/catch.hpp>
#include <fake/fake_batch.hpp>
#include <fake/fake_panel.hpp>
#include <fstream>
#include <map>
#include <roundtable/guard/validate.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/jobs/client.hpp>
#include <set>
#include <support/codec_fixtures.hpp>
#include <support/temp_dir.hpp>
#include <thread>

using namespace roundtable;
using namespace roundtable::jobs;
using roundtable::testing::FakeBatch;
using roundtable::testing::FakePanel;
using roundtable::testing::LineFate;

namespace {

struct Target {
    std::string provider;
    std::string model;
    std::string base; // appended to the server's base URL
};

const std::map<std::string, Target> k_targets{{"anthropic", {"anthropic", "claude-sonnet-4-6", ""}},
                                              {"openai", {"openai", "gpt-5", "/v1"}},
                                              {"gemini", {"gemini", "gemini-2.5-pro", ""}},
                                              {"xai", {"xai", "grok-4", "/xai/v1"}}};

providers::Request take(int n) {
    return testing::codec_request("Task: write your take. Article " + std::to_string(n), "take", "",
                                  4000);
}

struct Rig {
    FakePanel panel;
    FakeBatch batch;
    std::shared_ptr<http::CurlTransport> transport = http::make_curl_transport();
    providers::SeatConfig seat;
    std::unique_ptr<providers::Codec> codec;
    Protocol protocol;

    Rig(const std::string& name, std::chrono::milliseconds job_time)
        : batch(panel.server, job_time) {
        const Target& t = k_targets.at(name);
        seat = testing::codec_seat("seat", t.provider, t.model, "");
        seat.base_url = panel.server.base_url() + t.base;
        codec = providers::make_codec(t.provider);
        protocol = *protocol_of(t.provider);
    }

    Client client() { return Client(protocol, *codec, seat, "test-key", *transport); }

    std::vector<std::string> lines(int count) {
        std::vector<std::string> out;
        for (int i = 0; i < count; ++i) {
            out.push_back(
                request_line(protocol, *codec, "req-" + std::to_string(i), take(i), seat));
        }
        return out;
    }

    // Polls until the job ends; returns the states seen, in order, each once.
    std::vector<std::string> wait(const Client& c, JobStatus& status) {
        std::vector<std::string> states{status.state};
        for (int i = 0; i < 500 && !status.ended; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            auto next = c.poll(status.id);
            REQUIRE(next.has_value());
            status = *next;
            if (states.back() != status.state) {
                states.push_back(status.state);
            }
        }
        REQUIRE(status.ended);
        return states;
    }
};

} // namespace

TEST_CASE("client::a job goes through the provider's states and every line comes back") {
    const std::map<std::string, std::vector<std::string>> expected_states{
        {"openai", {"validating", "in_progress", "finalizing", "completed"}},
        {"xai", {"validating", "in_progress", "finalizing", "completed"}},
        {"anthropic", {"in_progress", "ended"}},
        {"gemini", {"BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED"}}};
    for (const auto& [name, states] : expected_states) {
        DYNAMIC_SECTION(name) {
            Rig rig(name, std::chrono::milliseconds(200));
            const Client client = rig.client();
            auto submitted = client.submit(rig.lines(3), "roundtable-test");
            REQUIRE(submitted.has_value());
            JobStatus status = *submitted;
            CHECK_FALSE(status.ended);
            CHECK(rig.wait(client, status) == states);
            CHECK(status.succeeded == 3);
            CHECK(status.failed == 0);
            std::map<std::string, std::string> texts;
            auto read = client.results(status, [&](std::string_view line) {
                auto result = read_result(rig.protocol, line);
                REQUIRE(result.has_value());
                auto reply = outcome(*rig.codec, *result, take(0), rig.seat);
                REQUIRE(reply.has_value());
                CHECK(reply->batch);
                texts[result->id] = reply->text;
            });
            REQUIRE(read.has_value());
            REQUIRE(texts.size() == 3);
            for (const auto& [id, text] : texts) {
                CHECK(guard::validate_reply(providers::Round::take, text).has_value());
            }
            CHECK(rig.batch.jobs_created() == 1);
            CHECK(rig.batch.lines_submitted() == 3);
            // The request went out with the seat's key, as the synchronous call sends it.
            bool keyed = false;
            for (const auto& r : rig.panel.server.requests()) {
                for (const auto& [header, value] : r.headers) {
                    keyed = keyed || value.find("test-key") != std::string::npos;
                }
            }
            CHECK(keyed);
        }
    }
}

TEST_CASE("client::errored and expired lines come back as failures of their kind") {
    for (const std::string name : {"openai", "anthropic", "gemini"}) {
        DYNAMIC_SECTION(name) {
            Rig rig(name, std::chrono::milliseconds(0));
            rig.batch.set_fate([](const std::string& id, int) {
                return id == "req-1"   ? LineFate::errored
                       : id == "req-2" ? LineFate::expired
                                       : LineFate::answer;
            });
            const Client client = rig.client();
            auto submitted = client.submit(rig.lines(3), "t");
            REQUIRE(submitted.has_value());
            JobStatus status = *submitted;
            rig.wait(client, status);
            CHECK(status.succeeded == 1);
            CHECK(status.failed == 2);
            std::map<std::string, std::string> kinds;
            REQUIRE(client.results(status, [&](std::string_view line) {
                auto result = read_result(rig.protocol, line);
                REQUIRE(result.has_value());
                auto reply = outcome(*rig.codec, *result, take(0), rig.seat);
                kinds[result->id] = reply ? "ok" : reply.error().type;
            }));
            CHECK(kinds["req-0"] == "ok");
            CHECK(kinds["req-1"] != "ok");
            CHECK(kinds["req-1"] != "expired");
            CHECK(kinds["req-2"] == (name == "gemini" ? "DEADLINE_EXCEEDED" : "expired"));
        }
    }
}

TEST_CASE("client::cancel ends a running job at the provider") {
    for (const std::string name : {"openai", "anthropic", "gemini"}) {
        DYNAMIC_SECTION(name) {
            Rig rig(name, std::chrono::hours(1));
            const Client client = rig.client();
            auto submitted = client.submit(rig.lines(2), "t");
            REQUIRE(submitted.has_value());
            auto running = client.poll(submitted->id);
            REQUIRE(running.has_value());
            CHECK_FALSE(running->ended);
            auto canceled = client.cancel(submitted->id);
            REQUIRE(canceled.has_value());
            CHECK(canceled->ended);
            CHECK(rig.batch.jobs_canceled() == 1);
            CHECK(canceled->succeeded == 0);
        }
    }
}

TEST_CASE("client::a provider error is a Failure naming the provider") {
    Rig rig("anthropic", std::chrono::milliseconds(0));
    const Client client = rig.client();
    auto missing = client.poll("msgbatch_nope");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().http_status == 404);
    CHECK(missing.error().provider == "anthropic");
}

TEST_CASE("client::a job streamed from a spool file is the job submit() sends") {
    for (const std::string name : {"openai", "xai", "anthropic", "gemini"}) {
        DYNAMIC_SECTION(name) {
            Rig rig(name, std::chrono::milliseconds(0));
            const Client client = rig.client();
            testing::TempDir dir;
            const std::string path = (dir.path() / "spool.jsonl").string();
            {
                std::ofstream spool(path, std::ios::binary);
                for (const auto& line : rig.lines(40)) {
                    spool << line << '\n';
                }
            }
            auto from_file = client.submit_file(path, "t");
            REQUIRE(from_file.has_value());
            auto from_memory = client.submit(rig.lines(40), "t");
            REQUIRE(from_memory.has_value());
            // The two create calls (or uploads) carried the same bytes.
            std::vector<std::string> bodies;
            for (const auto& r : rig.panel.server.requests()) {
                if (r.method == "POST" && r.body.find("req-39") != std::string::npos) {
                    bodies.push_back(r.body);
                }
            }
            REQUIRE(bodies.size() == 2);
            CHECK(bodies[0] == bodies[1]);
            JobStatus status = *from_file;
            rig.wait(client, status);
            std::set<std::string> ids;
            REQUIRE(client.results(status, [&](std::string_view line) {
                auto result = read_result(rig.protocol, line);
                REQUIRE(result.has_value());
                ids.insert(result->id);
            }));
            CHECK(ids.size() == 40);
            CHECK(rig.batch.lines_submitted() == 80);
        }
    }
    SECTION("a spool file that cannot be read is a Failure, not a job") {
        Rig rig("anthropic", std::chrono::milliseconds(0));
        auto missing = rig.client().submit_file("/nonexistent/spool.jsonl", "t");
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error().type == "spool");
        CHECK(rig.batch.jobs_created() == 0);
    }
}

TEST_CASE("client::results hands over every line of a large results file") {
    Rig rig("openai", std::chrono::milliseconds(0));
    const Client client = rig.client();
    auto submitted = client.submit(rig.lines(400), "t");
    REQUIRE(submitted.has_value());
    JobStatus status = *submitted;
    rig.wait(client, status);
    int lines = 0;
    std::size_t longest = 0;
    REQUIRE(client.results(status, [&](std::string_view line) {
        ++lines;
        longest = std::max(longest, line.size());
        CHECK(read_result(rig.protocol, line).has_value()); // whole lines, never a piece
    }));
    CHECK(lines == 400);
    CHECK(longest > 100);
}
