// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: a PL011 UART (Arm PrimeCell UART (PL011) Technical Reference
 * Manual, r1p5, DDI 0183) on stdio, emulated from MMIO exits: the guest's
 * console=ttyAMA0.
 *
 * Transmit never waits: each byte written to UARTDR goes to stdout, so
 * the transmit FIFO is always empty (UARTFR.TXFE) and the transmit
 * interrupt is raised by every write and cleared through UARTICR, as
 * with a FIFO that drains at once. Receive: a thread reads stdin into a
 * 16-byte FIFO; the receive and receive-timeout interrupts are raised
 * while it holds data. The SPI is a level (KVM_IRQ_LINE) following
 * UARTMIS != 0.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "vmm.h"

#define UARTDR		0x000
#define UARTFR		0x018
#define UARTIBRD	0x024
#define UARTFBRD	0x028
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIFLS	0x034
#define UARTIMSC	0x038
#define UARTRIS		0x03c
#define UARTMIS		0x040
#define UARTICR		0x044
#define UARTDMACR	0x048
#define UARTPERIPHID0	0xfe0

#define FR_RXFE		(1U << 4)
#define FR_RXFF		(1U << 6)
#define FR_TXFE		(1U << 7)
#define INT_RX		(1U << 4)
#define INT_TX		(1U << 5)
#define INT_RT		(1U << 6)
#define INT_ALL		0x7ffU

#define RX_FIFO		16

struct pl011 {
	struct vm *vm;
	pthread_mutex_t lock;
	pthread_cond_t rx_space;
	u32 ris, imsc, cr, lcr_h, ibrd, fbrd, ifls, dmacr;
	bool line;
	u8 rx[RX_FIFO];
	unsigned int rx_head, rx_count;
	pthread_t stdin_thread;
	int stop_fd;
};

/* UARTPeriphID0-3 and UARTPCellID0-3, which the AMBA bus probes. */
static const u8 pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static void update_irq(struct pl011 *u)
{
	bool line;

	u->ris &= ~(INT_RX | INT_RT);
	if (u->rx_count)
		u->ris |= INT_RX | INT_RT;
	line = (u->ris & u->imsc) != 0;
	if (line != u->line) {
		u->line = line;
		vm_irq_line(u->vm, UART_SPI, line);
	}
}

static u32 read_reg(struct pl011 *u, u64 off)
{
	u32 val;

	switch (off) {
	case UARTDR:
		if (!u->rx_count)
			return 0;
		val = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RX_FIFO;
		u->rx_count--;
		pthread_cond_signal(&u->rx_space);
		update_irq(u);
		return val;
	case UARTFR:
		return FR_TXFE | (u->rx_count ? 0 : FR_RXFE) | (u->rx_count == RX_FIFO ? FR_RXFF : 0);
	case UARTIBRD:	return u->ibrd;
	case UARTFBRD:	return u->fbrd;
	case UARTLCR_H:	return u->lcr_h;
	case UARTCR:	return u->cr;
	case UARTIFLS:	return u->ifls;
	case UARTIMSC:	return u->imsc;
	case UARTRIS:	return u->ris;
	case UARTMIS:	return u->ris & u->imsc;
	case UARTDMACR:	return u->dmacr;
	}
	if (off >= UARTPERIPHID0 && off < UARTPERIPHID0 + 4 * sizeof(pl011_id) && !(off % 4))
		return pl011_id[(off - UARTPERIPHID0) / 4];
	return 0;
}

static void write_reg(struct pl011 *u, u64 off, u32 val)
{
	u8 c = val;

	switch (off) {
	case UARTDR:
		console_out(u->vm, &c, 1);
		u->ris |= INT_TX;
		break;
	case UARTIBRD:	u->ibrd = val & 0xffff; break;
	case UARTFBRD:	u->fbrd = val & 0x3f; break;
	case UARTLCR_H:	u->lcr_h = val & 0xff; break;
	case UARTCR:	u->cr = val & 0xffff; break;
	case UARTIFLS:	u->ifls = val & 0x3f; break;
	case UARTIMSC:	u->imsc = val & INT_ALL; break;
	case UARTICR:	u->ris &= ~val; break;
	case UARTDMACR:	u->dmacr = val & 7; break;
	}
	update_irq(u);
}

static void pl011_read(void *opaque, u64 off, u8 *data, u32 len)
{
	struct pl011 *u = opaque;
	u32 val;

	pthread_mutex_lock(&u->lock);
	val = read_reg(u, off);
	pthread_mutex_unlock(&u->lock);
	memset(data, 0, len);
	memcpy(data, &val, len < sizeof(val) ? len : sizeof(val));
}

static void pl011_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	struct pl011 *u = opaque;
	u32 val = 0;

	memcpy(&val, data, len < sizeof(val) ? len : sizeof(val));
	pthread_mutex_lock(&u->lock);
	write_reg(u, off, val);
	pthread_mutex_unlock(&u->lock);
}

/* stdin into the receive FIFO; waits for room rather than drop input. */
static void *stdin_thread(void *arg)
{
	struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN } };
	struct pl011 *u = arg;
	u8 c;

	pfd[1].fd = u->stop_fd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents || read(STDIN_FILENO, &c, 1) != 1)
			break;
		pthread_mutex_lock(&u->lock);
		while (u->rx_count == RX_FIFO && !u->vm->stopping)
			pthread_cond_wait(&u->rx_space, &u->lock);
		u->rx[(u->rx_head + u->rx_count++) % RX_FIFO] = c;
		update_irq(u);
		pthread_mutex_unlock(&u->lock);
	}
	return NULL;
}

static void pl011_destroy(void *opaque)
{
	struct pl011 *u = opaque;
	u64 one = 1;

	if (write(u->stop_fd, &one, sizeof(one)) != sizeof(one))
		die_errno("eventfd write");
	pthread_mutex_lock(&u->lock);
	u->rx_count = 0;
	pthread_cond_signal(&u->rx_space);
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->stdin_thread, NULL);
	close(u->stop_fd);
	free(u);
}

static struct termios saved_tio;

static void restore_tty(void)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

/* A terminal on stdin goes raw, as a serial line; Ctrl-C still ends. */
static void tty_raw(void)
{
	static bool done;
	struct termios tio;

	if (done || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	done = true;
	tio = saved_tio;
	tio.c_lflag &= ~(ICANON | ECHO | IEXTEN);
	tio.c_iflag &= ~(ICRNL | IXON);
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &tio))
		atexit(restore_tty);
}

static const struct mmio_ops pl011_ops = {
	.read = pl011_read, .write = pl011_write, .destroy = pl011_destroy,
};

void pl011_create(struct vm *vm)
{
	struct pl011 *u = xzalloc(sizeof(*u));
	int err;

	u->vm = vm;
	u->cr = 0x300;		/* UARTCR reset: TXE and RXE */
	u->ifls = 0x12;		/* UARTIFLS reset: both FIFOs half full */
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->rx_space, NULL);
	u->stop_fd = xeventfd(0);
	tty_raw();
	err = pthread_create(&u->stdin_thread, NULL, stdin_thread, u);
	if (err) {
		errno = err;
		die_errno("pthread_create");
	}
	vm_add_mmio(vm, UART_BASE, UART_SIZE, u, &pl011_ops);
}
