#include <catch2/catch.hpp>
#include <memory>
#include <roundtable/jobs/journal.hpp>
#include <roundtable/store/store.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable;
using roundtable::testing::TempDir;

namespace {

std::shared_ptr<store::Store> open_at(const TempDir& dir) {
    auto opened = store::Store::open((dir.path() / "rt.db").string());
    REQUIRE(opened.has_value());
    return std::make_shared<store::Store>(std::move(*opened));
}

} // namespace

TEST_CASE("jobs::Journal") {
    const TempDir dir;
    auto first = jobs::Journal::start(open_at(dir), "{\"inputs\":[]}");
    REQUIRE(first.has_value());
    const std::string id = first->run_id();
    CHECK(id.size() == 20); // 20261130-143501-4f2a
    providers::SeatConfig seat;
    seat.name = "gpt";
    seat.provider = "openai";
    jobs::JobStatus status;
    status.id = "batch_1";
    status.state = "validating";
    const auto row =
        first->submitted(seat, status, 1, {{0, "rt0-a0-s1", "key-a"}, {0, "rt1-a1-s1", "key-b"}});
    CHECK(row > 0);
    status.id = "batch_2";
    const auto done_row = first->submitted(seat, status, 1, {{0, "rt2-a2-s1", "key-c"}});
    status.state = "completed";
    status.ended = true;
    first->polled(done_row, status);
    first->collected(done_row);
    CHECK(first->running() == 1);
    first->finish("interrupted");
    CHECK(first->warning().empty());

    SECTION("another process resumes the run and adopts each open line once") {
        auto second = jobs::Journal::resume(open_at(dir), id.substr(0, 10));
        REQUIRE(second.has_value());
        CHECK(second->run_id() == id);
        CHECK(second->running() == 1);
        CHECK(!second->adopt("key-c")); // its job was collected
        CHECK(second->unclaimed(row) == 2);
        const auto a = second->adopt("key-a");
        REQUIRE(a.has_value());
        CHECK(a->job_id == "batch_1");
        CHECK(a->custom_id == "rt0-a0-s1");
        CHECK(a->row == row);
        CHECK(!second->adopt("key-a"));
        CHECK(second->unclaimed(row) == 1);
        second->finish("done");
        auto runs = open_at(dir)->batch_runs(5);
        CHECK(runs->at(0).state == "done");
        CHECK(open_at(dir)->open_batch_requests(id)->empty()); // every job collected
    }
    SECTION("an unknown run is the store's reason") {
        auto none = jobs::Journal::resume(open_at(dir), "19990101");
        REQUIRE(!none.has_value());
        CHECK(none.error() == "no batch run matches '19990101'");
    }
}
