// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QTimer>
#include <chrono>

/// A command the agent may run: a fixed argv from its own configuration, never a shell line.
struct CommandSpec
{
    /// Which extra arguments a request may append (`args` in agent.conf): none unless declared.
    enum class Arguments { None, Any, Matching };

    QString name;
    QStringList argv; ///< argv[0] is the program.
    std::chrono::milliseconds timeout {30000};
    Arguments arguments = Arguments::None;
    QRegularExpression argumentPattern {}; ///< Matching: each extra argument must match it whole.
    QStringList passEnvironment {}; ///< Variables of the agent's environment the command also gets.

    static constexpr int MaximumArguments = 32;
    static constexpr int MaximumArgumentLength = 1024;
    /// Whether a request may append these; `problem` says which one may not, and why.
    bool acceptsArguments(const QStringList &extra, QString *problem) const;
};

struct CommandResult
{
    QString name;
    int exitCode = -1;
    bool timedOut = false;
    QString error; ///< Why it did not run or did not finish; empty when it exited by itself.
    QByteArray standardOutput;
    QByteArray standardError;
    bool outputTruncated = false;
    qint64 durationMs = 0;

    bool succeeded() const { return error.isEmpty() && exitCode == 0; }
    QJsonObject toJson() const;
};

/**
 * Runs one command: argv is handed to the kernel as it is (extra arguments from a request are
 * appended as separate, literal arguments), with a minimal environment of its own (never the
 * agent's), output beyond the cap is dropped and flagged, and a command past its timeout is
 * killed together with every process it started, even those that left its process group or
 * session: the command is a child subreaper, so its whole tree stays below it until it is killed.
 * It also dies with the agent.
 */
class CommandRunner : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 OutputCap = 64 * 1024;

    explicit CommandRunner(QObject *parent = nullptr);
    ~CommandRunner() override;

    void start(const CommandSpec &spec, const QStringList &extraArguments = {});

Q_SIGNALS:
    void finished(const CommandResult &result);

private:
    void collect(QProcess::ProcessChannel channel);
    void complete();
    void killTree();

    QProcess m_process;
    QTimer m_timeout;
    CommandResult m_result;
    qint64 m_startedMs = 0;
    bool m_running = false;
};

Q_DECLARE_METATYPE(CommandResult)
