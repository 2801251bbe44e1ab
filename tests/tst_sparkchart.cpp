// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The details pane's charts: a line over time that breaks where data is missing.
#include "screenshots.h"
#include "view/sparkchart.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TestSparkChart : public QObject
{
    Q_OBJECT

    // Heartbeats 2 s apart from 23:00:00, with `values` (NaN: not reported) and `missing` ones not received.
    static QList<SparkChart::Point> beats(const QList<double> &values, const QList<int> &missing = {})
    {
        const QDateTime start = QDateTime::fromString(u"2026-12-01T23:00:00Z"_s, Qt::ISODate);
        QList<SparkChart::Point> points;
        for (int i = 0; i < values.size(); ++i) {
            if (!missing.contains(i))
                points.append({start.addSecs(2 * i), values.at(i)});
        }
        return points;
    }

private Q_SLOTS:
    void theLineBreaksWhereDataIsMissing()
    {
        SparkChart chart(u"CPU"_s, u"%"_s, Qt::blue);
        const double nan = qQNaN();
        // 0-3 joined; 4 not reported; 5 alone; 6-7 never came (the Pi hung); 8-9 joined again.
        const QList<SparkChart::Point> points = beats({10, 12, 11, 15, nan, 14, 0, 0, 20, 22}, {6, 7});
        chart.setPoints(points, points.constLast().time, std::chrono::minutes(5), 100.0);
        QCOMPARE(chart.runs(), (QList<QList<int>> {{0, 1, 2, 3}, {5}, {6, 7}}));
        QCOMPARE(chart.values().size(), 8);
        QVERIFY2(chart.accessibleDescription().startsWith(u"22.0 % now"_s),
            qPrintable(chart.accessibleDescription()));
    }

    void evenHeartbeatsMakeOneLine()
    {
        SparkChart chart(u"Temperature"_s, u"°C"_s, Qt::red);
        QList<double> values;
        for (int i = 0; i < 120; ++i)
            values.append(48.0 + 6.0 * std::sin(i / 9.0));
        const QList<SparkChart::Point> points = beats(values);
        chart.setPoints(points, points.constLast().time, std::chrono::minutes(5));
        QCOMPARE(chart.runs().size(), 1);
        chart.resize(300, 130);
        chart.show();
        saveScreenshot(&chart, u"chart-temperature"_s);
    }

    void nothingYetSaysSo()
    {
        SparkChart chart(u"CPU"_s, u"%"_s, Qt::blue);
        chart.clear();
        QVERIFY(chart.runs().isEmpty());
        QCOMPARE(chart.accessibleDescription(), u"no data"_s);
        chart.resize(300, 130);
        chart.show();
        QVERIFY(!chart.grab().isNull()); // painting with nothing to draw must not fail
    }
};

QTEST_MAIN(TestSparkChart)
#include "tst_sparkchart.moc"
