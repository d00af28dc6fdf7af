#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <stdexcept>
#include <support/run_binary.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace roundtable::testing {

namespace {

// Environment variables that would change the binary's behaviour: removed so
// tests see a clean machine (no real keys, no user config).
const char* const k_scrubbed[] = {"ANTHROPIC_API_KEY",
                                  "OPENAI_API_KEY",
                                  "GEMINI_API_KEY",
                                  "GOOGLE_API_KEY",
                                  "XAI_API_KEY",
                                  "ROUNDTABLE_PANEL",
                                  "ROUNDTABLE_CHAIR",
                                  "ROUNDTABLE_TIMEOUT",
                                  "ROUNDTABLE_CONFIG",
                                  "XDG_CONFIG_HOME",
                                  "XDG_CACHE_HOME",
                                  "NO_COLOR",
                                  "COLUMNS"};

std::vector<std::string> build_env(const RunSpec& spec) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) {
            vars[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    for (const char* name : k_scrubbed) {
        vars.erase(name);
    }
    for (const auto& name : spec.unset) {
        vars.erase(name);
    }
    // Keep the user's real config and cache out of tests.
    vars["XDG_CONFIG_HOME"] = "/nonexistent/roundtable-test-config";
    vars["XDG_CACHE_HOME"] = default_cache_home();
    for (const auto& [k, v] : spec.env) {
        vars[k] = v;
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : vars) {
        out.push_back(k + "=" + v);
    }
    return out;
}

} // namespace

std::string default_cache_home() {
    // Created by the binary on first use (private, 0700); removed at exit.
    struct Home {
        std::string path = "/tmp/roundtable-test-cache-" + std::to_string(::getpid());
        Home() = default;
        Home(const Home&) = delete;
        Home& operator=(const Home&) = delete;
        ~Home() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    };
    static const Home home;
    return home.path;
}

std::string source_path(const std::string& relative) {
    return std::string(RT_SOURCE_DIR) + "/" + relative;
}

RunResult run_binary(const RunSpec& spec) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
        pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> env = build_env(spec);
    std::vector<char*> envp;
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args{spec.program};
    args.insert(args.end(), spec.args.begin(), spec.args.end());
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        if (spec.stdin_data) {
            dup2(in_pipe[0], STDIN_FILENO);
        } else {
            int devnull = open("/dev/null", O_RDONLY);
            dup2(devnull, STDIN_FILENO);
        }
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        if (spec.umask) {
            ::umask(static_cast<mode_t>(*spec.umask));
        }
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);

    RunResult result;
    std::string input = spec.stdin_data.value_or("");
    std::size_t written = 0;
    int in_fd = in_pipe[1];
    if (!spec.stdin_data) {
        close(in_fd);
        in_fd = -1;
    } else {
        fcntl(in_fd, F_SETFL, O_NONBLOCK);
        signal(SIGPIPE, SIG_IGN);
    }
    auto start = std::chrono::steady_clock::now();
    bool interrupted = false;
    bool out_open = true, err_open = true;
    char buffer[65536];
    while (out_open || err_open) {
        auto elapsed = std::chrono::steady_clock::now() - start;
        if (elapsed > spec.timeout) {
            kill(pid, SIGKILL);
            result.timed_out = true;
            break;
        }
        bool due = (spec.interrupt_after && elapsed >= *spec.interrupt_after) ||
                   (spec.interrupt_when && spec.interrupt_when());
        if (due && !interrupted) {
            kill(pid, spec.interrupt_signal);
            interrupted = true;
        }
        std::vector<pollfd> fds;
        if (out_open)
            fds.push_back({out_pipe[0], POLLIN, 0});
        if (err_open)
            fds.push_back({err_pipe[0], POLLIN, 0});
        if (in_fd >= 0)
            fds.push_back({in_fd, POLLOUT, 0});
        int n = poll(fds.data(), fds.size(), 20);
        if (n < 0 && errno != EINTR) {
            break;
        }
        for (const auto& p : fds) {
            if (p.revents == 0) {
                continue;
            }
            if (p.fd == in_fd) {
                ssize_t w = write(in_fd, input.data() + written, input.size() - written);
                if (w > 0) {
                    written += static_cast<std::size_t>(w);
                }
                if (w < 0 && errno != EAGAIN) {
                    written = input.size();
                }
                if (written >= input.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            ssize_t r = read(p.fd, buffer, sizeof buffer);
            if (r <= 0) {
                (p.fd == out_pipe[0] ? out_open : err_open) = false;
            } else {
                (p.fd == out_pipe[0] ? result.out : result.err)
                    .append(buffer, static_cast<std::size_t>(r));
            }
        }
    }
    if (in_fd >= 0) {
        close(in_fd);
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

} // namespace roundtable::testing
