// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gpio/gpiolinedriver.h"
#include "gpio/gpiolinekeeper.h"

#include <QList>
#include <QMap>
#include <QPair>
#include <QSet>
#include <QTemporaryDir>
#include <memory>

/**
 * GPIO lines as the kernel keeps them, without a kernel: chips, lines, and line requests that
 * are file descriptors. A line stays requested (and keeps its level) while any descriptor of its
 * request is open, whoever holds it: a bank, or a keeper standing in for systemd's store.
 */
struct FakeGpioLines
{
    struct Chip
    {
        QString label;
        unsigned lineCount = 0;
    };
    struct Request
    {
        unsigned offset = 0;
        QByteArray consumer;
        bool activeLow = false;
        bool initialValue = false;
    };
    struct HeldLine
    {
        QByteArray consumer;
        bool activeLow = false;
        bool value = false; ///< Logical.
    };

    // Set up by the test.
    QMap<QString, Chip> chips {{QStringLiteral("/dev/gpiochip0"), {QStringLiteral("pinctrl-bcm2711"), 54}}};
    QMap<unsigned, QByteArray> busyLines; ///< Held by another consumer.
    QList<unsigned> failingSetLines; ///< Setting these fails with EIO.
    QTemporaryDir sysfs; ///< The kernel's sysfs as far as rackd reads it; empty at first.

    // Recorded.
    QList<QString> openedChips;
    int closedChips = 0;
    QList<Request> requests;
    QList<unsigned> released; ///< Lines whose last descriptor was closed.
    QList<QPair<unsigned, bool>> valuesSet;

    // The kernel's side.
    QMap<unsigned, HeldLine> held;
    QMap<int, unsigned> descriptors; ///< Open request descriptors and their line.
    int nextDescriptor = 100;

    int openDescriptor(unsigned offset);
    int duplicate(int fd);
    void closeDescriptor(int fd);
};

class FakeGpioLineDriver : public GpioLineDriver
{
public:
    explicit FakeGpioLineDriver(std::shared_ptr<FakeGpioLines> lines);

    std::optional<ChipInfo> openChip(const QString &chip, int *error) override;
    void closeChip() override;
    std::optional<LineInfo> lineInfo(unsigned offset, int *error) override;
    int requestOutput(
        unsigned offset, bool activeLow, bool value, const QByteArray &consumer, int *error) override;
    bool isLineRequest(int fd) override;
    bool setValue(int request, bool value, int *error) override;
    std::optional<bool> value(int request, int *error) override;
    void closeRequest(int request) override;
    QString sysfsRoot() const override { return m_lines->sysfs.path(); }

private:
    std::shared_ptr<FakeGpioLines> m_lines;
    bool m_chipOpen = false;
};

/// systemd's file descriptor store, played: it keeps copies and passes them to the "next rackd".
class FakeGpioLineKeeper : public GpioLineKeeper
{
public:
    explicit FakeGpioLineKeeper(std::shared_ptr<FakeGpioLines> lines, bool available = true);
    ~FakeGpioLineKeeper() override;

    /// A new rackd starts: every stored request is passed to it (as LISTEN_FDS would).
    void restart();
    /// The service is stopped: rackd's descriptors and the store's copies are closed.
    void stopService();
    QStringList storedNames() const { return m_stored.keys(); }

    QString description() const override { return QStringLiteral("the test's keeper"); }
    bool isAvailable() const override { return m_available; }
    int take(const QString &name) override;
    void giveBack(const QString &name, int fd) override;
    QStringList untakenNames() const override { return m_passed.keys(); }
    bool keep(const QString &name, int fd, QString *error) override;
    void forget(const QString &name) override;

private:
    std::shared_ptr<FakeGpioLines> m_lines;
    bool m_available = true;
    QMap<QString, int> m_stored;
    QMap<QString, int> m_passed;
};
