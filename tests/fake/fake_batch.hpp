// The four providers' batch protocols on the fake server, with their real
// shapes and states: OpenAI and xAI (a multipart file upload, a batch going
// validating -> in_progress -> finalizing -> completed, output and error files),
// Anthropic Message Batches (in_progress -> ended, a results JSONL of succeeded /
// errored / expired / canceled lines), Gemini Batch Mode (an operation not done
// -> done, inline responses). Each request line is answered by whatever the
// server answers the same synchronous call with (FakeServer::answer), so a
// batch run and a synchronous run over one FakePanel get the same replies.
// A job takes `job_time`; set_fate() makes chosen lines come back errored or
// expired instead.
//
// Thread-safe: the server's workers serve the routes concurrently.
#pragma once

#include <chrono>
#include <fake/fake_server.hpp>
#include <functional>
#include <memory>
#include <string>

namespace roundtable::testing {

enum class LineFate { answer, errored, expired };

class FakeBatch {
public:
    // Adds the batch routes to `server` (which must outlive this); every job takes `job_time`.
    explicit FakeBatch(FakeServer& server,
                       std::chrono::milliseconds job_time = std::chrono::milliseconds(0));
    ~FakeBatch();

    // Makes `fate(custom_id, attempt)` decide each request line (attempt counts the times
    // that id was submitted, from 1); default: every line is answered. Never fails.
    void set_fate(std::function<LineFate(const std::string&, int)> fate);

    // Bills each answered line whose reply says what it cost (xAI's usage.cost_in_usd_ticks) at
    // `share` of that figure, as a provider's batch price would (xAI documents only "reduced
    // pricing": the share is the test's assumption); default 1. Never fails.
    void set_billed_share(double share);

    // Returns how many jobs were created, in all protocols; never fails.
    int jobs_created() const;

    // Returns how many request lines were submitted, in all protocols; never fails.
    int lines_submitted() const;

    // Returns how many jobs were canceled; never fails.
    int jobs_canceled() const;

    // Returns the largest number of lines one job held; never fails.
    int largest_job() const;

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace roundtable::testing
