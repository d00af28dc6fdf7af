#include <algorithm>
#include <cmath>
#include <fake/fake_batch.hpp>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace roundtable::testing {

using nlohmann::json;

namespace {

enum class Kind { openai, anthropic, gemini };

struct Line {
    std::string id;
    std::string path; // the synchronous path that answers it
    std::string body;
};

struct Job {
    Kind kind = Kind::openai;
    std::string id;
    std::string base; // "/v1" or "/xai/v1" (OpenAI protocol)
    std::vector<Line> lines;
    std::chrono::steady_clock::time_point created;
    bool canceled = false;
    bool finalizing_seen = false; // OpenAI: one poll sees finalizing before completed
    bool done = false;
    std::vector<json> results; // computed once, when the job ends
    int succeeded = 0;
    int failed = 0;
};

Scripted json_reply(int status, const json& body) {
    Scripted s;
    s.status = status;
    s.body = body.dump();
    return s;
}

Scripted not_found(const std::string& what) {
    return json_reply(
        404, {{"error", {{"type", "not_found_error"}, {"message", "fake batch: no " + what}}}});
}

std::string part_of(const std::string& form, const std::string& name) {
    // The multipart part named `name`: its content between the blank line and the boundary.
    const auto at = form.find("name=\"" + name + "\"");
    if (at == std::string::npos) {
        return {};
    }
    const auto start = form.find("\r\n\r\n", at);
    if (start == std::string::npos) {
        return {};
    }
    const auto end = form.find("\r\n--", start + 4);
    return form.substr(start + 4, end == std::string::npos ? std::string::npos : end - start - 4);
}

} // namespace

struct FakeBatch::Impl {
    FakeServer& server;
    std::chrono::milliseconds job_time;
    mutable std::mutex mutex;
    std::function<LineFate(const std::string&, int)> fate;
    std::map<std::string, std::string> files; // uploaded and produced files
    std::map<std::string, Job> jobs;
    std::map<std::string, int> attempts; // per custom_id
    int next = 1;
    int created = 0;
    int lines = 0;
    int canceled = 0;
    int largest = 0;
    double billed_share = 1.0;

    Impl(FakeServer& s, std::chrono::milliseconds t) : server(s), job_time(t) {}

    std::string new_id(const char* prefix) { return fmt::format("{}{:06d}", prefix, next++); }

    bool time_up(const Job& job) const {
        return job.canceled || std::chrono::steady_clock::now() - job.created >= job_time;
    }

    Job& add_job(Job job) {
        job.created = std::chrono::steady_clock::now();
        ++created;
        lines += static_cast<int>(job.lines.size());
        largest = std::max(largest, static_cast<int>(job.lines.size()));
        for (const auto& line : job.lines) {
            ++attempts[line.id];
        }
        const std::string id = job.id;
        return jobs[id] = std::move(job);
    }

    // Computes every line's result once the job's time is up (outside the lock for answers).
    void finish(Job& job, std::unique_lock<std::mutex>& lock) {
        if (job.done) {
            return;
        }
        std::vector<std::pair<LineFate, int>> fates;
        for (const auto& line : job.lines) {
            const int attempt = attempts[line.id];
            fates.emplace_back(job.canceled ? LineFate::expired
                               : fate       ? fate(line.id, attempt)
                                            : LineFate::answer,
                               attempt);
        }
        const std::vector<Line> lines_copy = job.lines;
        const double share = billed_share;
        const Kind kind = job.kind;
        const bool was_canceled = job.canceled;
        lock.unlock();
        std::vector<json> results;
        int ok = 0;
        int bad = 0;
        for (std::size_t i = 0; i < lines_copy.size(); ++i) {
            const Line& line = lines_copy[i];
            Scripted reply;
            if (fates[i].first == LineFate::answer) {
                RecordedRequest request;
                request.method = "POST";
                request.path = line.path;
                request.body = line.body;
                request.arrival = std::chrono::steady_clock::now();
                reply = server.answer(request);
            }
            json body = json::parse(reply.body, nullptr, false);
            if (body.is_object() && body.contains("usage") && body["usage"].is_object() &&
                body["usage"].contains("cost_in_usd_ticks")) {
                auto& ticks = body["usage"]["cost_in_usd_ticks"];
                ticks = std::llround(static_cast<double>(ticks.get<std::int64_t>()) * share);
            }
            const bool answered = fates[i].first == LineFate::answer && reply.status == 200;
            (answered ? ok : bad) += 1;
            switch (kind) {
            case Kind::openai:
                if (fates[i].first == LineFate::answer) {
                    results.push_back({{"id", "batch_req_" + std::to_string(i)},
                                       {"custom_id", line.id},
                                       {"response",
                                        {{"status_code", reply.status},
                                         {"request_id", "req_fake_" + std::to_string(i)},
                                         {"body", body}}},
                                       {"error", nullptr}});
                } else {
                    const bool expired = fates[i].first == LineFate::expired;
                    results.push_back(
                        {{"id", "batch_req_" + std::to_string(i)},
                         {"custom_id", line.id},
                         {"response", nullptr},
                         {"error",
                          {{"code", expired ? "batch_expired" : "server_error"},
                           {"message", expired ? "This request could not be executed before the "
                                                 "completion window expired."
                                               : "fake batch: the request failed"}}}});
                }
                break;
            case Kind::anthropic:
                if (fates[i].first == LineFate::answer && reply.status == 200) {
                    results.push_back({{"custom_id", line.id},
                                       {"result", {{"type", "succeeded"}, {"message", body}}}});
                } else if (fates[i].first == LineFate::expired) {
                    results.push_back(
                        {{"custom_id", line.id},
                         {"result", {{"type", was_canceled ? "canceled" : "expired"}}}});
                } else {
                    results.push_back({{"custom_id", line.id},
                                       {"result",
                                        {{"type", "errored"},
                                         {"error",
                                          {{"type", "error"},
                                           {"error",
                                            {{"type", "api_error"},
                                             {"message", "fake batch: the request failed"}}}}}}}});
                }
                break;
            case Kind::gemini:
                if (fates[i].first == LineFate::answer && reply.status == 200) {
                    results.push_back({{"response", body}, {"metadata", {{"key", line.id}}}});
                } else {
                    const bool expired = fates[i].first == LineFate::expired;
                    results.push_back({{"error",
                                        {{"code", expired ? 4 : 13},
                                         {"status", expired ? "DEADLINE_EXCEEDED" : "INTERNAL"},
                                         {"message", expired ? "fake batch: the request expired"
                                                             : "fake batch: the request failed"}}},
                                       {"metadata", {{"key", line.id}}}});
                }
                break;
            }
        }
        lock.lock();
        job.results = std::move(results);
        job.succeeded = ok;
        job.failed = bad;
        job.done = true;
        if (kind == Kind::openai) {
            std::string output;
            std::string errors;
            for (const auto& r : job.results) {
                const bool good = r["response"].is_object() && r["response"]["status_code"] == 200;
                (good ? output : errors) += r.dump() + "\n";
            }
            if (!output.empty()) {
                files["file-out-" + job.id] = output;
            }
            if (!errors.empty()) {
                files["file-err-" + job.id] = errors;
            }
        }
    }

    json openai_view(Job& job, std::unique_lock<std::mutex>& lock) {
        std::string status = "in_progress";
        const auto total = static_cast<int>(job.lines.size());
        if (job.canceled) {
            finish(job, lock);
            status = "cancelled";
        } else if (!time_up(job)) {
            status = std::chrono::steady_clock::now() - job.created < job_time / 4 ? "validating"
                                                                                   : "in_progress";
        } else if (!job.finalizing_seen) {
            job.finalizing_seen = true;
            status = "finalizing";
        } else {
            finish(job, lock);
            status = "completed";
        }
        json view = {{"id", job.id},
                     {"object", "batch"},
                     {"endpoint", "/v1/chat/completions"},
                     {"completion_window", "24h"},
                     {"status", status},
                     {"request_counts",
                      {{"total", total},
                       {"completed", job.done ? job.succeeded : 0},
                       {"failed", job.done ? job.failed : 0}}},
                     {"output_file_id", nullptr},
                     {"error_file_id", nullptr}};
        if (job.done && !job.canceled) {
            if (files.count("file-out-" + job.id)) {
                view["output_file_id"] = "file-out-" + job.id;
            }
            if (files.count("file-err-" + job.id)) {
                view["error_file_id"] = "file-err-" + job.id;
            }
        }
        return view;
    }

    json anthropic_view(Job& job, std::unique_lock<std::mutex>& lock) {
        const bool ended = time_up(job);
        if (ended) {
            finish(job, lock);
        }
        int errored = 0;
        int expired = 0;
        int canceled_lines = 0;
        for (const auto& r : job.results) {
            const std::string type = r["result"]["type"];
            errored += type == "errored";
            expired += type == "expired";
            canceled_lines += type == "canceled";
        }
        return {{"id", job.id},
                {"type", "message_batch"},
                {"processing_status", ended ? "ended" : "in_progress"},
                {"request_counts",
                 {{"processing", ended ? 0 : static_cast<int>(job.lines.size())},
                  {"succeeded", ended ? job.succeeded : 0},
                  {"errored", errored},
                  {"expired", expired},
                  {"canceled", canceled_lines}}},
                {"results_url",
                 ended ? json(server.base_url() + "/v1/messages/batches/" + job.id + "/results")
                       : json(nullptr)}};
    }

    json gemini_view(Job& job, std::unique_lock<std::mutex>& lock) {
        const bool done = time_up(job);
        if (done) {
            finish(job, lock);
        }
        std::string state = "BATCH_STATE_RUNNING";
        if (job.canceled) {
            state = "BATCH_STATE_CANCELLED";
        } else if (done) {
            state = "BATCH_STATE_SUCCEEDED";
        } else if (std::chrono::steady_clock::now() - job.created < job_time / 4) {
            state = "BATCH_STATE_PENDING";
        }
        const auto total = static_cast<int>(job.lines.size());
        json view = {
            {"name", job.id},
            {"metadata",
             {{"@type",
               "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"},
              {"name", job.id},
              {"state", state},
              {"batchStats",
               {{"requestCount", std::to_string(total)},
                {"successfulRequestCount", std::to_string(done ? job.succeeded : 0)},
                {"failedRequestCount", std::to_string(done ? job.failed : 0)},
                {"pendingRequestCount", std::to_string(done ? 0 : total)}}}}},
            {"done", done}};
        if (done && !job.canceled) {
            view["response"] = {{"@type",
                                 "type.googleapis.com/"
                                 "google.ai.generativelanguage.v1main.GenerateContentBatchOutput"},
                                {"inlinedResponses", {{"inlinedResponses", job.results}}}};
        }
        return view;
    }

    Scripted route(const RecordedRequest& r) {
        std::unique_lock lock(mutex);
        const std::string& p = r.path;
        // OpenAI and xAI: files and batches under "/v1" or "/xai/v1".
        for (const std::string base : {"/xai/v1", "/v1"}) {
            if (p == base + "/files" && r.method == "POST") {
                const std::string id = new_id("file-");
                std::string content = part_of(r.body, "file");
                if (part_of(r.body, "purpose") != "batch" || content.empty()) {
                    return json_reply(
                        400, {{"error",
                               {{"type", "invalid_request_error"},
                                {"message", "fake batch: expected purpose=batch and a file"}}}});
                }
                const auto bytes = content.size();
                files[id] = std::move(content);
                return json_reply(
                    200, {{"id", id}, {"object", "file"}, {"bytes", bytes}, {"purpose", "batch"}});
            }
            if (p.starts_with(base + "/files/") && p.ends_with("/content")) {
                const std::string id = p.substr(base.size() + 7, p.size() - base.size() - 7 - 8);
                auto it = files.find(id);
                if (it == files.end()) {
                    return not_found("file " + id);
                }
                Scripted s;
                s.body = it->second;
                s.content_type = "application/jsonl";
                return s;
            }
            if (p == base + "/batches" && r.method == "POST") {
                const json body = json::parse(r.body, nullptr, false);
                const std::string file = body.is_object() ? body.value("input_file_id", "") : "";
                auto it = files.find(file);
                if (it == files.end()) {
                    return not_found("input file " + file);
                }
                Job job;
                job.kind = Kind::openai;
                job.id = new_id("batch_");
                job.base = base;
                std::size_t start = 0;
                const std::string& content = it->second;
                while (start < content.size()) {
                    std::size_t end = content.find('\n', start);
                    end = end == std::string::npos ? content.size() : end;
                    const json line =
                        json::parse(content.substr(start, end - start), nullptr, false);
                    start = end + 1;
                    if (!line.is_object()) {
                        continue;
                    }
                    job.lines.push_back({line.value("custom_id", ""), line.value("url", ""),
                                         line.at("body").dump()});
                }
                Job& added = add_job(std::move(job));
                return json_reply(200, openai_view(added, lock));
            }
            if (p.starts_with(base + "/batches/")) {
                std::string rest = p.substr(base.size() + 9);
                const bool cancel = rest.ends_with("/cancel");
                if (cancel) {
                    rest.resize(rest.size() - 7);
                }
                auto it = jobs.find(rest);
                if (it == jobs.end() || it->second.kind != Kind::openai) {
                    return not_found("batch " + rest);
                }
                if (cancel && !it->second.done) {
                    it->second.canceled = true;
                    ++canceled;
                }
                return json_reply(200, openai_view(it->second, lock));
            }
        }
        // Anthropic Message Batches.
        if (p == "/v1/messages/batches" && r.method == "POST") {
            const json body = json::parse(r.body, nullptr, false);
            if (!body.is_object() || !body.contains("requests")) {
                return json_reply(400, {{"type", "error"},
                                        {"error",
                                         {{"type", "invalid_request_error"},
                                          {"message", "requests: Field required"}}}});
            }
            Job job;
            job.kind = Kind::anthropic;
            job.id = new_id("msgbatch_fake");
            for (const auto& request : body["requests"]) {
                job.lines.push_back(
                    {request.value("custom_id", ""), "/v1/messages", request.at("params").dump()});
            }
            Job& added = add_job(std::move(job));
            return json_reply(200, anthropic_view(added, lock));
        }
        if (p.starts_with("/v1/messages/batches/")) {
            std::string rest = p.substr(21);
            std::string action;
            if (const auto slash = rest.find('/'); slash != std::string::npos) {
                action = rest.substr(slash + 1);
                rest.resize(slash);
            }
            auto it = jobs.find(rest);
            if (it == jobs.end() || it->second.kind != Kind::anthropic) {
                return not_found("message batch " + rest);
            }
            Job& job = it->second;
            if (action == "cancel" && !job.done) {
                job.canceled = true;
                ++canceled;
            }
            if (action == "results") {
                if (!time_up(job)) {
                    return json_reply(400, {{"type", "error"},
                                            {"error",
                                             {{"type", "invalid_request_error"},
                                              {"message", "batch is still in progress"}}}});
                }
                finish(job, lock);
                std::string out;
                for (const auto& line : job.results) {
                    out += line.dump() + "\n";
                }
                Scripted s;
                s.body = std::move(out);
                s.content_type = "application/binary";
                return s;
            }
            return json_reply(200, anthropic_view(job, lock));
        }
        // Gemini Batch Mode.
        if (p.starts_with("/v1beta/models/") && p.ends_with(":batchGenerateContent")) {
            const std::string model = p.substr(15, p.size() - 15 - 21);
            const json body = json::parse(r.body, nullptr, false);
            json requests;
            try {
                requests = body.at("batch").at("input_config").at("requests").at("requests");
            } catch (const json::exception&) {
                return json_reply(400,
                                  {{"error",
                                    {{"code", 400},
                                     {"status", "INVALID_ARGUMENT"},
                                     {"message", "batch.input_config.requests is required"}}}});
            }
            Job job;
            job.kind = Kind::gemini;
            job.id = new_id("batches/fake");
            for (const auto& request : requests) {
                job.lines.push_back({request.at("metadata").value("key", ""),
                                     "/v1beta/models/" + model + ":generateContent",
                                     request.at("request").dump()});
            }
            Job& added = add_job(std::move(job));
            return json_reply(200, gemini_view(added, lock));
        }
        if (p.starts_with("/v1beta/batches/")) {
            std::string id = p.substr(8);
            const bool cancel = id.ends_with(":cancel");
            if (cancel) {
                id.resize(id.size() - 7);
            }
            auto it = jobs.find(id);
            if (it == jobs.end() || it->second.kind != Kind::gemini) {
                return not_found("batch " + id);
            }
            if (cancel && !it->second.done) {
                it->second.canceled = true;
                ++canceled;
                return json_reply(200, json::object());
            }
            return json_reply(200, gemini_view(it->second, lock));
        }
        return not_found("route " + p);
    }
};

FakeBatch::FakeBatch(FakeServer& server, std::chrono::milliseconds job_time)
    : m_impl(std::make_shared<Impl>(server, job_time)) {
    std::weak_ptr<Impl> weak = m_impl;
    auto handler = [weak](const RecordedRequest& r) -> Scripted {
        if (auto impl = weak.lock()) {
            return impl->route(r);
        }
        return not_found("batch routes (gone)");
    };
    for (const char* prefix : {"/v1/files", "/v1/batches", "/xai/v1/files", "/xai/v1/batches",
                               "/v1/messages/batches", "/v1beta/batches/"}) {
        server.set_prefix_handler(prefix, handler);
    }
    server.set_prefix_handler("/v1beta/models/", handler, ":batchGenerateContent");
}

FakeBatch::~FakeBatch() = default;

void FakeBatch::set_billed_share(double share) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->billed_share = share;
}

void FakeBatch::set_fate(std::function<LineFate(const std::string&, int)> fate) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->fate = std::move(fate);
}

int FakeBatch::jobs_created() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->created;
}

int FakeBatch::lines_submitted() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->lines;
}

int FakeBatch::jobs_canceled() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->canceled;
}

int FakeBatch::largest_job() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->largest;
}

} // namespace roundtable::testing
