// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <chrono>
#include <optional>

/// How the relays of the rack are driven. The names are the values of `relay_backend`.
enum class RelayBackendKind { Gpio, Serial, Simulated, Manual };

/**
 * What rackd does about a hung Pi (`recovery` in rackd.conf, or in a stack's section of the
 * structure file for that stack alone): nothing, tell people, or power-cycle as the policy allows.
 */
enum class RecoveryMode { Off, Notify, Recover };

/// With `recover`, what happens when one Pi of a stack is lost while others of it still run.
enum class SharedStackPolicy {
    Wait, ///< Tell people and switch nothing: the healthy Pis keep running.
    Drain, ///< Shut the healthy Pis down gracefully, then power-cycle the stack.
};

QString recoveryModeName(RecoveryMode mode);
std::optional<RecoveryMode> recoveryModeFromName(const QString &name);
QString sharedStackPolicyName(SharedStackPolicy policy);
std::optional<SharedStackPolicy> sharedStackPolicyFromName(const QString &name);

/// The protocol of a USB-serial relay board (`serial_protocol`).
enum class SerialRelayProtocol { Lcus, Numato };

QString relayBackendName(RelayBackendKind kind);
std::optional<RelayBackendKind> relayBackendFromName(const QString &name);
QString serialProtocolName(SerialRelayProtocol protocol);
std::optional<SerialRelayProtocol> serialProtocolFromName(const QString &name);

/// The valid relay channel numbers for a backend: BCM lines for GPIO, board channels for serial.
struct ChannelRange
{
    int first;
    int last;
};
ChannelRange relayChannelRange(RelayBackendKind backend, SerialRelayProtocol protocol);

/// The wiring of the relays; the defaults are the original PiRack's (GPIO, active-low).
struct RelayWiring
{
    RelayBackendKind backend = RelayBackendKind::Gpio;
    bool activeLow = true; ///< GPIO only: pin LOW energises the relay and powers the stack.
    QString gpioChip = QStringLiteral("gpiochip0");
    QString serialPort = QStringLiteral("/dev/ttyUSB0");
    SerialRelayProtocol serialProtocol = SerialRelayProtocol::Lcus;
    int serialBaud = 9600;
    bool serialVerify = true; ///< Read each relay back after switching it (false for boards that cannot).
};

struct PowerTiming
{
    std::chrono::milliseconds staggerDelay {2000}; ///< Between stacks when powering on the rack.
    std::chrono::milliseconds minimumOffTime {2000}; ///< Before a stack that went off may come back on.
    std::chrono::milliseconds minimumSwitchInterval {500}; ///< Between any two switches of one relay.
};

/// Where the fixed addresses and names of the Pis come from.
struct Addressing
{
    QHostAddress network = QHostAddress(QStringLiteral("10.42.0.0"));
    int prefixLength = 24;
    QHostAddress masterAddress = QHostAddress(QStringLiteral("10.42.0.1"));
    QHostAddress firstAddress = QHostAddress(QStringLiteral("10.42.0.11"));
    QString namePattern = QStringLiteral("s{stack}-n{slot}");
};

struct RackStack
{
    int id = 0;
    int row = 0; ///< 1-based; `x` in the file.
    int column = 0; ///< 1-based; `y` in the file.
    int relayChannel = 0;
    int piCount = 0;
    std::optional<RecoveryMode> recovery; ///< This stack's own `recovery`; empty: rackd.conf's.
    std::optional<SharedStackPolicy> sharedStack; ///< This stack's own `shared_stack`; empty: rackd.conf's.
};

/// One Pi position in the rack, with the fixed address and name it will get.
struct RackSlot
{
    int stackId = 0;
    int slot = 0; ///< 1-based within the stack.
    int index = 0; ///< 1-based over the whole rack, in stack order.
    QString name;
    QHostAddress address;
};

/**
 * The rack as `structure_rack.ini` describes it: the grid, the stacks on it, how their relays
 * are wired and how their Pis are addressed. A plain value: StructureReader fills it from a
 * file and guarantees the invariants (unique ids, cells and channels, addresses that fit).
 */
class RackStructure
{
public:
    QString sourceFile;
    int pisPerStack = 0;
    int rows = 0;
    int columns = 0;
    std::optional<int> declaredStackCount; ///< `nbr_stack` as written, which may be stale.
    RelayWiring wiring;
    PowerTiming timing;
    Addressing addressing;
    QList<RackStack> stacks; ///< Sorted by id: the order of the staged install and power-on.

    const RackStack *stack(int id) const;
    const RackStack *stackAt(int row, int column) const;
    int totalPis() const;

    /// Every Pi slot in rack order, with its fixed name and address.
    QList<RackSlot> slots() const;

    /// Fills the name pattern; the pattern has been validated by the reader.
    QString nodeName(int stackId, int slot, int index) const;

    QJsonObject toJson() const;
};

/// The original PiRack's wiring: stacks 1 to 4 on BCM GPIO 18, 25, 12 and 21.
std::optional<int> originalGpioChannel(int stackId);
