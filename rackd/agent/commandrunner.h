// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <chrono>

/// A command the agent may run: a fixed argv from its own configuration, never a shell line.
struct CommandSpec
{
    QString name;
    QStringList argv; ///< argv[0] is the program.
    std::chrono::milliseconds timeout {30000};
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
 * appended as separate, literal arguments), output beyond the cap is dropped and flagged, and a
 * command past its timeout is killed together with every process it started.
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

    QProcess m_process;
    QTimer m_timeout;
    CommandResult m_result;
    qint64 m_startedMs = 0;
    bool m_running = false;
};

Q_DECLARE_METATYPE(CommandResult)
