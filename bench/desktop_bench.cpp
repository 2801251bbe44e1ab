// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The desktop's cost on a big rack, offscreen: building the main window's rack view and node table
// for N Pis (from rackd's answers to drawn pixels), and the GUI-thread time to apply one batch of
// N heartbeats (the node.metrics event, the models' signals, and the repaints they queue, flushed).
// Prints medians.
// Usage: desktop-bench [--runs R] [N ...]      (default: 20 runs, N = 49 and 1000)
#include "app/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTableView>
#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Rack
{
    QJsonObject status;
    QJsonObject nodes;
    int pis = 0;
};

/// A rack as rackd would describe it: N Pis in stacks of up to 40 on a square-ish grid, all up.
Rack makeRack(int pis)
{
    const int perStack = pis <= 64 ? 7 : 40;
    const int stacks = (pis + perStack - 1) / perStack;
    const int columns = int(std::ceil(std::sqrt(double(stacks))));
    const int rows = (stacks + columns - 1) / columns;
    QJsonArray stackList;
    QJsonArray nodeList;
    int placed = 0;
    for (int id = 1; id <= stacks; ++id) {
        const int here = std::min(perStack, pis - placed);
        stackList.append(QJsonObject {{u"id"_s, id}, {u"row"_s, (id - 1) / columns + 1},
            {u"column"_s, (id - 1) % columns + 1}, {u"relay_channel"_s, id}, {u"pis"_s, here},
            {u"relay"_s, u"on"_s}, {u"busy"_s, false}, {u"up"_s, here}, {u"state"_s, u"ok"_s}});
        for (int slot = 1; slot <= here; ++slot, ++placed) {
            const QString mac = u"dc:a6:32:%1:%2:%3"_s.arg(placed >> 16 & 0xff, 2, 16, QLatin1Char('0'))
                                    .arg(placed >> 8 & 0xff, 2, 16, QLatin1Char('0'))
                                    .arg(placed & 0xff, 2, 16, QLatin1Char('0'));
            nodeList.append(QJsonObject {{u"mac"_s, mac}, {u"name"_s, u"s%1-n%2"_s.arg(id).arg(slot)},
                {u"address"_s, u"10.42.%1.%2"_s.arg(placed / 200).arg(placed % 200 + 10)}, {u"stack"_s, id},
                {u"slot"_s, slot}, {u"state"_s, u"up"_s},
                {u"identity"_s, QJsonObject {{u"model"_s, u"Raspberry Pi 4 Model B Rev 1.5"_s}}},
                {u"metrics"_s, QJsonObject {{u"cpu_percent"_s, 10.0}, {u"temperature_c"_s, 45.0}}}});
        }
    }
    return {{{u"rack"_s,
                 QJsonObject {{u"rows"_s, rows}, {u"cols"_s, columns}, {u"pi_stack"_s, perStack},
                     {u"relay_backend"_s, u"simulated"_s}}},
                {u"stacks"_s, stackList}},
        {{u"nodes"_s, nodeList}}, pis};
}

Protocol::Event heartbeats(const Rack &rack, int round)
{
    QJsonArray nodes;
    for (const QJsonValue &node : rack.nodes.value(u"nodes"_s).toArray()) {
        nodes.append(QJsonObject {{u"mac"_s, node[u"mac"_s]}, {u"name"_s, node[u"name"_s]},
            {u"metrics"_s,
                QJsonObject {{u"cpu_percent"_s, double((round * 7) % 100)},
                    {u"temperature_c"_s, 40.0 + round % 20}}}});
    }
    return {u"node.metrics"_s, {{u"nodes"_s, nodes}}};
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0.0 : values.at(values.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // The offscreen platform's notes would drown the figures.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &message) {
        if (type == QtCriticalMsg || type == QtFatalMsg)
            std::fprintf(stderr, "%s\n", qPrintable(message));
    });
    QApplication app(argc, argv);
    QStringList arguments = QCoreApplication::arguments().mid(1);
    int runs = 20;
    if (arguments.size() >= 2 && arguments.first() == u"--runs") {
        runs = std::max(1, arguments.at(1).toInt());
        arguments = arguments.mid(2);
    }
    QList<int> sizes;
    for (const QString &argument : std::as_const(arguments)) {
        bool ok = false;
        const int size = argument.toInt(&ok);
        if (!ok || size < 1 || size > 20000) {
            std::fprintf(
                stderr, "desktop-bench: %s is not a number of Pis from 1 to 20000\n", qPrintable(argument));
            return 2;
        }
        sizes.append(size);
    }
    if (sizes.isEmpty())
        sizes = {49, 1000};

    std::printf("%-6s %-28s %-28s %s\n", "Pis", "build rack view+table (ms)", "1 batch of heartbeats (ms)",
        "(apply without painting; one rack view paint)");
    for (int size : std::as_const(sizes)) {
        const Rack rack = makeRack(size);
        QList<double> builds;
        QList<double> batches;
        QList<double> applies; ///< Of a batch: the state, the models, the history (signals run directly).
        QList<double> viewPaints; ///< One more repaint of the rack view alone, for scale.
        for (int run = 0; run < runs; ++run) {
            RackState state;
            RackSession session(&state);
            QElapsedTimer clock;
            clock.start();
            MainWindow window(&session, &state,
                [](const QString &, const QString &, const QStringList &) { return false; });
            window.resize(1600, 1000);
            window.show();
            QString error;
            if (!state.applyStatus(rack.status, &error) || !state.applyNodes(rack.nodes, &error)) {
                std::fprintf(stderr, "desktop-bench: %s\n", qPrintable(error));
                return 1;
            }
            window.rackView()->repaint(); // the pixels, not only the model
            window.nodeTable()->viewport()->repaint();
            QCoreApplication::processEvents();
            builds.append(double(clock.nsecsElapsed()) / 1e6);

            const Protocol::Event batch = heartbeats(rack, run);
            clock.restart();
            state.applyEvent(batch);
            applies.append(double(clock.nsecsElapsed()) / 1e6);
            // The updates the batch queued: the rack view's and the table's repaints, flushed.
            QCoreApplication::sendPostedEvents();
            QCoreApplication::processEvents();
            batches.append(double(clock.nsecsElapsed()) / 1e6);
            QElapsedTimer paint;
            paint.start();
            window.rackView()->repaint();
            viewPaints.append(double(paint.nsecsElapsed()) / 1e6);
        }
        std::printf("%-6d %-28.1f %-28.1f (%.1f, %.1f)\n", size, median(builds), median(batches),
            median(applies), median(viewPaints));
    }
    return 0;
}
