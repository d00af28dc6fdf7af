#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <random>
#include <roundtable/jobs/journal.hpp>
#include <roundtable/providers/defaults.hpp>

namespace roundtable::jobs {

std::string new_run_id() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::random_device random;
    return fmt::format("{:%Y%m%d-%H%M%S}-{:04x}", fmt::gmtime(now), random() & 0xffffu);
}

std::expected<Journal, std::string> Journal::start(std::shared_ptr<store::Store> store,
                                                   const std::string& options) {
    const std::int64_t now = store->now();
    store::BatchRun run{new_run_id(), now, now, "running", options};
    if (auto added = store->add_batch_run(run); !added) {
        return std::unexpected(added.error());
    }
    return Journal(std::move(store), std::move(run));
}

std::expected<Journal, std::string> Journal::resume(std::shared_ptr<store::Store> store,
                                                    const std::string& run_id) {
    auto run = store->find_batch_run(run_id);
    if (!run) {
        return std::unexpected(run.error());
    }
    auto jobs = store->batch_jobs(run->id);
    if (!jobs) {
        return std::unexpected(jobs.error());
    }
    auto lines = store->open_batch_requests(run->id);
    if (!lines) {
        return std::unexpected(lines.error());
    }
    Journal journal(std::move(store), std::move(*run));
    for (auto& job : *jobs) {
        journal.m_jobs.emplace(job.row_id, std::move(job));
    }
    for (auto& line : *lines) {
        auto job = journal.m_jobs.find(line.job_row);
        if (job == journal.m_jobs.end() || line.cache_key.empty()) {
            continue;
        }
        journal.m_open[line.cache_key] = {line.job_row, job->second.job_id, line.custom_id};
        ++journal.m_unclaimed[line.job_row];
    }
    journal.note(journal.m_store->set_batch_run_state(journal.m_run.id, "running"));
    return journal;
}

void Journal::note(const std::expected<void, std::string>& result) {
    if (!result && m_warning.empty()) {
        m_warning = result.error();
    }
}

std::int64_t Journal::submitted(const providers::SeatConfig& seat, const JobStatus& status,
                                int pass, const std::vector<store::BatchRequest>& lines) {
    store::BatchJob job;
    job.run_id = m_run.id;
    job.seat = seat.name;
    job.provider = seat.provider;
    job.base_url = providers::base_url_or_default(seat.provider, seat.base_url);
    job.job_id = status.id;
    job.pass = pass;
    job.state = status.state;
    job.ended = status.ended;
    job.requests = static_cast<std::int64_t>(lines.size());
    job.succeeded = status.succeeded;
    job.failed = status.failed;
    job.submitted_at = m_store->now();
    job.updated_at = job.submitted_at;
    auto row = m_store->add_batch_job(job, lines);
    if (!row) {
        note(std::unexpected(row.error()));
        return 0;
    }
    job.row_id = *row;
    m_jobs.emplace(*row, std::move(job));
    return *row;
}

void Journal::polled(std::int64_t row, const JobStatus& status) {
    auto it = m_jobs.find(row);
    if (it == m_jobs.end()) {
        return;
    }
    store::BatchJob& job = it->second;
    job.state = status.state;
    job.ended = status.ended;
    job.succeeded = status.succeeded;
    job.failed = status.failed;
    note(m_store->update_batch_job(job));
}

void Journal::collected(std::int64_t row) {
    auto it = m_jobs.find(row);
    if (it == m_jobs.end() || it->second.collected) {
        return;
    }
    it->second.collected = true;
    note(m_store->update_batch_job(it->second));
}

std::optional<Adoption> Journal::adopt(const std::string& cache_key) {
    auto it = m_open.find(cache_key);
    if (it == m_open.end()) {
        return std::nullopt;
    }
    Adoption adoption = std::move(it->second);
    m_open.erase(it);
    auto& left = m_unclaimed[adoption.row];
    if (left > 0) {
        --left;
    }
    return adoption;
}

std::size_t Journal::unclaimed(std::int64_t row) const {
    auto it = m_unclaimed.find(row);
    return it == m_unclaimed.end() ? 0 : it->second;
}

void Journal::finish(const std::string& state) {
    if (state == "done") {
        for (auto& [row, job] : m_jobs) {
            collected(row);
        }
    }
    note(m_store->set_batch_run_state(m_run.id, state));
}

std::size_t Journal::running() const {
    std::size_t n = 0;
    for (const auto& [row, job] : m_jobs) {
        n += job.ended ? 0 : 1;
    }
    return n;
}

} // namespace roundtable::jobs
