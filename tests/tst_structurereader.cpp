// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structure/structurereader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

// A valid two-stack rack that the table below breaks one line at a time.
QByteArray rackWith(const QByteArray &rackExtra, const QByteArray &stacks)
{
    return "[rack]\npi_stack = 2\nrows = 1\ncols = 2\n" + rackExtra + '\n' + stacks;
}

const QByteArray twoStacks = "[1]\nid = 1\nx = 1\ny = 1\n\n[2]\nid = 2\nx = 1\ny = 2\n";

QStringList issueTexts(const StructureLoadResult &result)
{
    QStringList texts;
    for (const StructureIssue &issue : result.issues)
        texts.append(issue.toString());
    return texts;
}

} // namespace

class TestStructureReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheOriginalPiRackFileUnchanged()
    {
        const QString path = QStringLiteral(PIRACK_TEST_DATA "/original_pirack.ini");
        const StructureLoadResult result = StructureReader::readFile(path);
        QCOMPARE(result.status, StructureLoadResult::Status::Valid);
        QVERIFY(result.structure);
        const RackStructure &rack = *result.structure;
        QCOMPARE(rack.pisPerStack, 2);
        QCOMPARE(rack.rows, 1);
        QCOMPARE(rack.columns, 2);
        QCOMPARE(rack.declaredStackCount, std::optional<int>(1));
        QCOMPARE(rack.stacks.size(), 2);
        // x is the row, y the column.
        QCOMPARE(rack.stacks.at(0).id, 1);
        QCOMPARE(rack.stacks.at(0).row, 1);
        QCOMPARE(rack.stacks.at(0).column, 1);
        QCOMPARE(rack.stacks.at(1).id, 2);
        QCOMPARE(rack.stacks.at(1).row, 1);
        QCOMPARE(rack.stacks.at(1).column, 2);
        // The original wiring: BCM 18 and 25, active-low, through GPIO.
        QCOMPARE(rack.stacks.at(0).relayChannel, 18);
        QCOMPARE(rack.stacks.at(1).relayChannel, 25);
        QCOMPARE(rack.wiring.backend, RelayBackendKind::Gpio);
        QVERIFY(rack.wiring.activeLow);
        QCOMPARE(rack.totalPis(), 4);
        // Its stale nbr_stack is reported, not rejected and not silently fixed.
        QCOMPARE(issueTexts(result),
            QStringList {path
                + u":3: warning: [rack] nbr_stack: nbr_stack = 1, but the file has 2 stack section(s); "
                  "the 2 section(s) are used"_s});
    }

    void readsTheReferenceRack()
    {
        const QString path = QStringLiteral(PIRACK_SOURCE_DIR "/structure_rack.ini");
        const StructureLoadResult result = StructureReader::readFile(path);
        QVERIFY2(result.issues.isEmpty(), qPrintable(issueTexts(result).join(u'\n')));
        QVERIFY(result.structure);
        const RackStructure &rack = *result.structure;
        QCOMPARE(rack.stacks.size(), 12);
        QCOMPARE(rack.totalPis(), 48);
        QCOMPARE(rack.rows, 3);
        QCOMPARE(rack.columns, 4);
        QCOMPARE(rack.stacks.at(4).id, 5);
        QCOMPARE(rack.stacks.at(4).row, 2);
        QCOMPARE(rack.stacks.at(4).column, 1);
        QCOMPARE(rack.stackAt(3, 4)->id, 12);
        const QList<int> expectedChannels {18, 25, 12, 21, 5, 6, 13, 16, 17, 19, 20, 26};
        for (qsizetype i = 0; i < rack.stacks.size(); ++i)
            QCOMPARE(rack.stacks.at(i).relayChannel, expectedChannels.at(i));
        const QList<RackSlot> slots = rack.slots();
        QCOMPARE(slots.size(), 48);
        QCOMPARE(slots.first().name, u"s1-n1"_s);
        QCOMPARE(slots.first().address.toString(), u"10.42.0.11"_s);
        QCOMPARE(slots.last().name, u"s12-n4"_s);
        QCOMPARE(slots.last().address.toString(), u"10.42.0.58"_s);
        QCOMPARE(rack.timing.staggerDelay, std::chrono::milliseconds(2000));
        QCOMPARE(rack.timing.minimumSwitchInterval, std::chrono::milliseconds(500));
    }

    void examplesAreValid_data()
    {
        QTest::addColumn<QString>("path");
        const QDir examples(QStringLiteral(PIRACK_SOURCE_DIR "/resources/examples"));
        const QStringList files = examples.entryList({u"*.ini"_s}, QDir::Files);
        QVERIFY2(files.size() >= 4, "the example structure files are missing");
        for (const QString &file : files)
            QTest::newRow(qPrintable(file)) << examples.filePath(file);
    }

    void examplesAreValid()
    {
        QFETCH(QString, path);
        const StructureLoadResult result = StructureReader::readFile(path);
        QVERIFY2(result.issues.isEmpty(), qPrintable(issueTexts(result).join(u'\n')));
        QVERIFY(result.structure);
        QVERIFY(result.structure->totalPis() > 0);
    }

    void readsEveryExtensionKey()
    {
        const StructureLoadResult result = StructureReader::parse(
            rackWith(
                "relay_backend = serial\nserial_port = /dev/ttyACM0\nserial_protocol = numato\n"
                "serial_baud = 115200\nserial_verify = no\nactive_low = false\ngpio_chip = /dev/gpiochip4\n"
                "stagger_delay = 0.25\nmin_off_time = 5\nmin_switch_interval = 1.5\n"
                "subnet = 192.168.50.0/25\nmaster_address = 192.168.50.100\nfirst_address = 192.168.50.2\n"
                "name_pattern = pi{index}-st{stack}\n",
                "[1]\nx = 1\ny = 1\nrelay_channel = 0\npis = 3\n[2]\nx = 1\ny = 2\nrelay_channel = 11\n"),
            u"ext.ini"_s);
        QVERIFY2(result.issues.isEmpty(), qPrintable(issueTexts(result).join(u'\n')));
        const RackStructure &rack = *result.structure;
        QCOMPARE(rack.wiring.backend, RelayBackendKind::Serial);
        QCOMPARE(rack.wiring.serialPort, u"/dev/ttyACM0"_s);
        QCOMPARE(rack.wiring.serialProtocol, SerialRelayProtocol::Numato);
        QCOMPARE(rack.wiring.serialBaud, 115200);
        QVERIFY(!rack.wiring.serialVerify);
        QVERIFY(!rack.wiring.activeLow);
        QCOMPARE(rack.wiring.gpioChip, u"/dev/gpiochip4"_s);
        QCOMPARE(rack.timing.staggerDelay, std::chrono::milliseconds(250));
        QCOMPARE(rack.timing.minimumOffTime, std::chrono::milliseconds(5000));
        QCOMPARE(rack.timing.minimumSwitchInterval, std::chrono::milliseconds(1500));
        QCOMPARE(rack.addressing.prefixLength, 25);
        QCOMPARE(rack.stacks.at(0).piCount, 3);
        QCOMPARE(rack.stacks.at(1).piCount, 2);
        QCOMPARE(rack.stacks.at(1).relayChannel, 11);
        const QList<RackSlot> slots = rack.slots();
        QCOMPARE(slots.size(), 5);
        QCOMPARE(slots.at(3).name, u"pi4-st2"_s);
        QCOMPARE(slots.at(3).address.toString(), u"192.168.50.5"_s);
    }

    void subnetMovesTheDefaultAddresses()
    {
        const StructureLoadResult result
            = StructureReader::parse(rackWith("subnet = 172.20.0.0/16\n", twoStacks), u"s.ini"_s);
        QVERIFY(result.structure);
        QCOMPARE(result.structure->addressing.masterAddress.toString(), u"172.20.0.1"_s);
        QCOMPARE(result.structure->addressing.firstAddress.toString(), u"172.20.0.11"_s);
    }

    void simulatedStacksDefaultToTheirId()
    {
        const StructureLoadResult result = StructureReader::parse(
            rackWith("relay_backend = simulated\n", "[7]\nx = 1\ny = 1\n[9]\nx = 1\ny = 2\n"), u"sim.ini"_s);
        QVERIFY(result.structure);
        QCOMPARE(result.structure->stacks.at(0).relayChannel, 7);
        QCOMPARE(result.structure->stacks.at(1).relayChannel, 9);
    }

    void stacksAreSortedById()
    {
        const StructureLoadResult result
            = StructureReader::parse(rackWith({}, "[2]\nx = 1\ny = 2\n[1]\nx = 1\ny = 1\n"), u"order.ini"_s);
        QVERIFY(result.structure);
        QCOMPARE(result.structure->stacks.at(0).id, 1);
        QCOMPARE(result.structure->stacks.at(1).id, 2);
    }

    void brokenFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("missing rack section")
            << twoStacks
            << QStringList {
                   u"t.ini: error: [rack] the [rack] section is missing (it holds pi_stack, rows and cols)"_s};
        QTest::newRow("no stack sections")
            << QByteArray("[rack]\npi_stack = 2\nrows = 1\ncols = 2\n")
            << QStringList {u"t.ini: error: no stack sections: add one section per "
                            "stack, such as [1] with id, x and y"_s};
        QTest::newRow("missing pi_stack")
            << QByteArray("[rack]\nrows = 1\ncols = 2\n" + twoStacks)
            << QStringList {u"t.ini:1: error: [rack] pi_stack: missing: this key is required"_s};
        QTest::newRow("non-numeric rows")
            << rackWith("", twoStacks).replace("rows = 1", "rows = one")
            << QStringList {u"t.ini:3: error: [rack] rows: \"one\" is not a whole number"_s};
        QTest::newRow("zero pi_stack")
            << rackWith("", twoStacks).replace("pi_stack = 2", "pi_stack = 0")
            << QStringList {u"t.ini:2: error: [rack] pi_stack: 0 is out of range (1 to 64)"_s};
        QTest::newRow("negative cols")
            << rackWith("", twoStacks).replace("cols = 2", "cols = -2")
            << QStringList {u"t.ini:4: error: [rack] cols: -2 is out of range (1 to 64)"_s};
        QTest::newRow("negative nbr_stack") << rackWith("nbr_stack = -1\n",
            twoStacks) << QStringList {u"t.ini:5: error: [rack] nbr_stack: -1 is out of range (1 to 4096)"_s};
        QTest::newRow("duplicate stack id")
            << rackWith("", "[1]\nid = 1\nx = 1\ny = 1\n\n[2]\nid = 1\nx = 1\ny = 2\nrelay_channel = 25\n")
            << QStringList {
                   u"t.ini:12: warning: [2] id: id 1 differs from the section name [2]; the id is used"_s,
                   u"t.ini:12: error: [2] id: stack id 1 is already used by [1] at line 6"_s};
        QTest::newRow("two stacks on one cell")
            << rackWith("", "[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 1\n")
            << QStringList {
                   u"t.ini:10: error: [2] x: row 1, column 1 is already taken by stack 1 ([1] at line 6)"_s};
        QTest::newRow("row outside the grid")
            << rackWith("", "[1]\nx = 1\ny = 1\n[2]\nx = 2\ny = 2\n")
            << QStringList {u"t.ini:10: error: [2] x: row 2 is outside the grid (rows = 1)"_s};
        QTest::newRow("column outside the grid")
            << rackWith("", "[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 3\n")
            << QStringList {u"t.ini:11: error: [2] y: column 3 is outside the grid (cols = 2)"_s};
        QTest::newRow("missing x") << rackWith("", "[1]\ny = 1\n[2]\nx = 1\ny = 2\n")
                                   << QStringList {u"t.ini:6: error: [1] x: missing: this key is required"_s};
        QTest::newRow("relay channel used twice")
            << rackWith("", "[1]\nx = 1\ny = 1\nrelay_channel = 25\n[2]\nx = 1\ny = 2\n")
            << QStringList {
                   u"t.ini:10: error: [2] relay_channel: channel 25 (this stack's default) is already used "
                   "by stack 1 ([1] at line 6)"_s};
        QTest::newRow("gpio channel out of range")
            << rackWith("", "[1]\nx = 1\ny = 1\nrelay_channel = 54\n[2]\nx = 1\ny = 2\n")
            << QStringList {u"t.ini:9: error: [1] relay_channel: 54 is out of range (0 to 53)"_s};
        QTest::newRow("fifth stack without a gpio channel")
            << QByteArray(
                   "[rack]\npi_stack = 1\nrows = 1\ncols = 5\n[1]\nx=1\ny=1\n[2]\nx=1\ny=2\n[3]\nx=1\ny=3\n"
                   "[4]\nx=1\ny=4\n[5]\nx=1\ny=5\n")
            << QStringList {u"t.ini:17: error: [5] relay_channel: missing: only stacks 1 to 4 have a "
                            u"default GPIO line "
                            "(BCM 18, 25, 12, 21); give the BCM line that drives this stack's relay"_s};
        QTest::newRow("serial stack without a channel")
            << rackWith(
                   "relay_backend = serial\n", "[1]\nx = 1\ny = 1\nrelay_channel = 1\n[2]\nx = 1\ny = 2\n")
            << QStringList {
                   u"t.ini:11: error: [2] relay_channel: missing: with relay_backend = serial every stack "
                   "needs the board channel of its relay"_s};
        QTest::newRow("lcus channel out of range")
            << rackWith("relay_backend = serial\n",
                   "[1]\nx = 1\ny = 1\nrelay_channel = 0\n[2]\nx = 1\ny = 2\n"
                   "relay_channel = 2\n")
            << QStringList {u"t.ini:10: error: [1] relay_channel: 0 is out of range (1 to 8)"_s};
        QTest::newRow("unknown backend")
            << rackWith("relay_backend = usb\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] relay_backend: \"usb\" is not a relay "
                            "backend (gpio, serial, simulated or manual)"_s};
        QTest::newRow("bad boolean")
            << rackWith("active_low = maybe\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] active_low: \"maybe\" is not true or false"_s};
        QTest::newRow("bad duration")
            << rackWith("stagger_delay = 2s\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] stagger_delay: \"2s\" is not a number of "
                            "seconds (such as 2 or 0.5)"_s};
        QTest::newRow("negative duration")
            << rackWith("min_off_time = -1\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] min_off_time: -1 s is out of range (0 to 3600 s)"_s};
        QTest::newRow("bad baud")
            << rackWith("serial_baud = 9601\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] serial_baud: 9601 is not a standard baud rate "
                            "(such as 9600 or 115200)"_s};
        QTest::newRow("subnet with host bits")
            << rackWith("subnet = 10.1.2.3/24\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] subnet: \"10.1.2.3/24\" has host "
                            "bits set; the network is 10.1.2.0/24"_s};
        QTest::newRow("not a subnet")
            << rackWith("subnet = 10.1.2.0\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] subnet: \"10.1.2.0\" is not an IPv4 subnet "
                            "such as 10.42.0.0/24"_s};
        QTest::newRow("master outside the subnet")
            << rackWith("master_address = 10.43.0.1\n", twoStacks)
            << QStringList {
                   u"t.ini:5: error: [rack] master_address: 10.43.0.1 is not a host address in the subnet "
                   "10.42.0.0/24"_s};
        QTest::newRow("Pis do not fit")
            << rackWith("first_address = 10.42.0.252\n", twoStacks)
            << QStringList {
                   u"t.ini:5: error: [rack] first_address: 4 Pis from 10.42.0.252 do not fit in the subnet "
                   "10.42.0.0/24 (the last would be 10.42.0.255)"_s};
        QTest::newRow("master among the Pis")
            << rackWith("master_address = 10.42.0.12\n", twoStacks)
            << QStringList {
                   u"t.ini:5: error: [rack] master_address: 10.42.0.12 lies inside the Pis' range 10.42.0.11 "
                   "to 10.42.0.14; move first_address or master_address"_s};
        QTest::newRow("name pattern without slot")
            << rackWith("name_pattern = stack{stack}\n", twoStacks)
            << QStringList {
                   u"t.ini:5: error: [rack] name_pattern: gives the same name \"stack1\" to stack 1 slot 1 "
                   "and stack 1 slot 2"_s};
        QTest::newRow("name pattern unknown placeholder")
            << rackWith("name_pattern = n{node}\n", twoStacks)
            << QStringList {
                   u"t.ini:5: error: [rack] name_pattern: unknown placeholder {node} (use {stack}, {slot} or {index})"_s};
        QTest::newRow("name pattern bad host name")
            << rackWith("name_pattern = pi_{stack}_{slot}\n", twoStacks)
            << QStringList {u"t.ini:5: error: [rack] name_pattern: gives \"pi_1_1\" for stack 1, slot 1, "
                            u"which is not a "
                            "valid host name (letters, digits and '-', at most 63)"_s};
        QTest::newRow("duplicate key") << rackWith("rows = 1\n",
            twoStacks) << QStringList {u"t.ini:5: error: [rack] rows: given twice (lines 3 and 5)"_s};
        QTest::newRow("duplicate section")
            << rackWith("", twoStacks + "[2]\nx = 1\ny = 2\n")
            << QStringList {u"t.ini:15: error: [2] section appears twice (lines 11 and 15)"_s};
        QTest::newRow("rack section twice, in another case")
            << rackWith("", twoStacks + "[RACK]\npi_stack = 3\n")
            << QStringList {u"t.ini:15: error: [RACK] section appears twice (lines 1 and 15)"_s};
        QTest::newRow("stack section without id")
            << rackWith("", "[left]\nx = 1\ny = 1\n[2]\nx = 1\ny = 2\n")
            << QStringList {
                   u"t.ini:6: error: [left] id: missing: a stack section needs an id (1 to 9999), or a number as its name"_s};
        QTest::newRow("syntax error keeps its line")
            << rackWith("this line is wrong\n", twoStacks)
            << QStringList {u"t.ini:5: error: expected 'key = value', found 'this line is wrong'"_s};
    }

    void brokenFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, expected);
        const StructureLoadResult result = StructureReader::parse(content, u"t.ini"_s);
        QCOMPARE(issueTexts(result), expected);
        QCOMPARE(result.status, StructureLoadResult::Status::Invalid);
        QVERIFY2(!result.structure, "a broken file must never yield a rack");
    }

    void warnings_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("unknown key with suggestion")
            << rackWith("stager_delay = 3\n", twoStacks)
            << QStringList {
                   u"t.ini:5: warning: [rack] stager_delay: unknown key, ignored (did you mean 'stagger_delay'?)"_s};
        QTest::newRow("unknown key without suggestion") << rackWith("colour = blue\n",
            twoStacks) << QStringList {u"t.ini:5: warning: [rack] colour: unknown key, ignored"_s};
        QTest::newRow("unknown stack key")
            << rackWith("", "[1]\nx = 1\ny = 1\nrelay = 3\n[2]\nx = 1\ny = 2\n")
            << QStringList {u"t.ini:9: warning: [1] relay: unknown key, ignored"_s};
        QTest::newRow("nbr_stack too high")
            << rackWith("nbr_stack = 3\n", twoStacks)
            << QStringList {u"t.ini:5: warning: [rack] nbr_stack: nbr_stack = 3, but the file "
                            "has 2 stack section(s); the 2 section(s) are used"_s};
    }

    void warnings()
    {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, expected);
        const StructureLoadResult result = StructureReader::parse(content, u"t.ini"_s);
        QCOMPARE(issueTexts(result), expected);
        QCOMPARE(result.status, StructureLoadResult::Status::Valid);
        QVERIFY(result.structure);
    }

    void reportsEveryErrorNotJustTheFirst()
    {
        const StructureLoadResult result = StructureReader::parse(
            "[rack]\npi_stack = x\nrows = 0\ncols = 1\n[1]\nx = 1\ny = 9\n", u"t.ini"_s);
        QCOMPARE(issueTexts(result),
            (QStringList {u"t.ini:2: error: [rack] pi_stack: \"x\" is not a whole number"_s,
                u"t.ini:3: error: [rack] rows: 0 is out of range (1 to 64)"_s,
                u"t.ini:7: error: [1] y: column 9 is outside the grid (cols = 1)"_s}));
    }

    void unreadableFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const StructureLoadResult missing = StructureReader::readFile(dir.filePath(u"none.ini"_s));
        QCOMPARE(missing.status, StructureLoadResult::Status::Unreadable);
        QCOMPARE(issueTexts(missing),
            QStringList {dir.filePath(u"none.ini"_s)
                + u": error: cannot read the structure file: it does not exist"_s});

        const StructureLoadResult directory = StructureReader::readFile(dir.path());
        QCOMPARE(directory.status, StructureLoadResult::Status::Unreadable);
        QCOMPARE(issueTexts(directory),
            QStringList {dir.path() + u": error: cannot read the structure file: it is a directory"_s});

        QFile huge(dir.filePath(u"huge.ini"_s));
        QVERIFY(huge.open(QIODevice::WriteOnly));
        QVERIFY(huge.resize(StructureReader::MaximumFileSize + 1));
        huge.close();
        const StructureLoadResult tooLarge = StructureReader::readFile(huge.fileName());
        QCOMPARE(tooLarge.status, StructureLoadResult::Status::Unreadable);
        QVERIFY(issueTexts(tooLarge).value(0).contains(u"more than the 1048576 bytes"_s));
    }
};

QTEST_GUILESS_MAIN(TestStructureReader)
#include "tst_structurereader.moc"
