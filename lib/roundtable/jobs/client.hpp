// The providers' batch job endpoints (data/batch.toml lists them): submit a job
// of request lines (wire.hpp), poll its state, read its result lines, cancel it.
// OpenAI and xAI upload the lines as a JSONL file (multipart, purpose=batch)
// and create a batch over it; Anthropic and Gemini take the lines inline in the
// create call. The client speaks through an http::Transport with the seat's
// base URL and the same auth headers as its synchronous codec; it makes one
// HTTP attempt per call (the caller decides when to poll again).
//
// Thread-safety: a Client holds no mutable state; calls may run concurrently
// when the Transport allows it.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <roundtable/http/client.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::jobs {

// A job as the provider last described it.
struct JobStatus {
    std::string id;     // the provider's job id (OpenAI batch_..., msgbatch_..., batches/...)
    std::string state;  // the provider's own word (in_progress, ended, BATCH_STATE_RUNNING, ...)
    bool ended = false; // a final state: no more results will come
    std::int64_t succeeded = 0;
    std::int64_t failed = 0; // errored, expired and canceled requests
    std::int64_t pending = 0;
    std::string results; // where the result lines are (a file id or URL); "" when inline
    std::string errors;  // OpenAI's error file id
};

class Client {
public:
    // Makes a client for `seat` speaking `protocol`, sending `api_key` as `codec` does; `codec`
    // and `transport` must outlive it. Never fails.
    Client(Protocol protocol, const providers::Codec& codec, providers::SeatConfig seat,
           std::string api_key, http::Transport& transport);

    // Submits a job of `lines` (request_line() output) named `label`; returns its first status,
    // or the Failure of the upload or the create call.
    std::expected<JobStatus, providers::Failure> submit(const std::vector<std::string>& lines,
                                                        const std::string& label) const;

    // Submits a job of the request lines in the file `path` (each ending in '\n'), streaming
    // them from the file into the upload or the create call, so a large job is never held in
    // memory; returns its first status, or the Failure (type "spool" when the file cannot be
    // read).
    std::expected<JobStatus, providers::Failure> submit_file(const std::string& path,
                                                             const std::string& label) const;

    // Returns the job's current status, or the Failure of the call.
    std::expected<JobStatus, providers::Failure> poll(const std::string& id) const;

    // Hands each result line of the ended job `status` (output and error files, the results
    // JSONL, or Gemini's inline responses, read from the operation once more) to `each` as it
    // is downloaded (a results file is never held whole, nor the inline responses parsed as
    // one document; a line over max_result_line bytes is skipped); returns the Failure of a
    // download.
    std::expected<void, providers::Failure>
    results(const JobStatus& status, const std::function<void(std::string_view)>& each) const;

    // Asks the provider to cancel the job; returns its status after the call, or the Failure.
    std::expected<JobStatus, providers::Failure> cancel(const std::string& id) const;

    static constexpr std::size_t max_result_line = std::size_t{8} << 20;

private:
    // Reads the job's request lines, each ending in '\n', into `out` (up to `size` bytes);
    // returns how many it wrote, 0 at the end.
    using LineReader = std::function<std::size_t(char* out, std::size_t size)>;

    std::expected<JobStatus, providers::Failure> submit_stream(LineReader read, std::int64_t bytes,
                                                               const std::string& label) const;
    std::expected<std::string, providers::Failure> send(http::Request request) const;
    http::Request make(std::string method, std::string url) const;

    Protocol m_protocol;
    const providers::Codec& m_codec;
    providers::SeatConfig m_seat;
    http::Transport& m_transport;
    http::Headers m_auth; // the codec's headers but content-type
    std::string m_root;   // ".../v1" (OpenAI, xAI, Anthropic) or ".../v1beta" (Gemini)
    std::string m_create; // Gemini: ".../models/{model}:batchGenerateContent"
};

} // namespace roundtable::jobs
