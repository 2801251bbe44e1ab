// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the HTTP benchmarks share: the command line, a kept-alive TLS client's round trip, and the
// median and 95th percentile of a series.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSslSocket>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace HttpBench {

struct Arguments
{
    int runs = 200;
    QList<int> sizes {48, 1000};
};

/// `[--runs R] N...`; empty (after printing the usage) when they are wrong.
inline std::optional<Arguments> parseArguments(const QStringList &arguments, const char *program)
{
    Arguments parsed;
    QList<int> sizes;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        bool ok = false;
        if (arguments.at(i) == QStringLiteral("--runs") && i + 1 < arguments.size())
            parsed.runs = arguments.at(++i).toInt(&ok);
        else
            sizes.append(arguments.at(i).toInt(&ok));
        if (!ok || parsed.runs < 1 || (!sizes.isEmpty() && sizes.constLast() < 1)) {
            std::fprintf(stderr, "usage: %s [--runs R] N...\n", program);
            return std::nullopt;
        }
    }
    if (!sizes.isEmpty())
        parsed.sizes = sizes;
    return parsed;
}

struct Figures
{
    double medianMs = 0;
    double p95Ms = 0;
};

inline Figures figuresOf(QList<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return {samples.at(samples.size() / 2), samples.at(qMin(samples.size() - 1, samples.size() * 95 / 100))};
}

/// A TLS client of a listener on 127.0.0.1 (the certificate is not checked: this is a benchmark).
inline bool connectClient(QSslSocket *client, quint16 port)
{
    client->setPeerVerifyMode(QSslSocket::VerifyNone);
    client->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    return QTest::qWaitFor([client] { return client->isEncrypted(); }, 10000);
}

/**
 * One request on a kept-alive connection; its milliseconds, or -1 on failure. The whole answer
 * (status line to the last byte of the body) lands in `answer`. Waits in an event loop woken by the
 * socket: QTest::qWaitFor would add its own 10 ms naps to the figure.
 */
inline double roundTrip(QSslSocket *socket, const QByteArray &request, QByteArray *answer)
{
    QElapsedTimer clock;
    clock.start();
    socket->write(request);
    QByteArray received;
    qsizetype expected = -1;
    bool done = false;
    QEventLoop loop;
    const auto read = [&] {
        received += socket->readAll();
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd >= 0 && expected < 0) {
            const qsizetype at = received.toLower().indexOf("content-length:");
            const qsizetype end = received.indexOf('\r', at);
            expected = headEnd + 4 + received.mid(at + 15, end - at - 15).trimmed().toLongLong();
        }
        if (expected >= 0 && received.size() >= expected) {
            done = true;
            loop.quit();
        }
    };
    const QMetaObject::Connection connection = QObject::connect(socket, &QIODevice::readyRead, &loop, read);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(connection);
    *answer = received;
    return done ? double(clock.nsecsElapsed()) / 1e6 : -1;
}

} // namespace HttpBench
