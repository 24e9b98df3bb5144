//! What each compression level costs and saves on a real page, with the encoders the
//! server's compression layer uses (the `brotli` crate, and `flate2` for gzip).
//! `bench/compression.sh` saves the pages and runs this; the figures are in
//! bench/README.md. Usage: `compression-levels <file.html>...`

use std::{io::Write, time::Instant};

const ROUNDS: u32 = 20;

fn brotli(page: &[u8], quality: u32) -> usize {
    let mut out = Vec::with_capacity(page.len() / 4);
    {
        // 22: the window async-compression uses (the format's default).
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        writer.write_all(page).expect("writes to memory");
    }
    out.len()
}

fn gzip(page: &[u8], level: u32) -> usize {
    let mut writer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
    writer.write_all(page).expect("writes to memory");
    writer.finish().expect("writes to memory").len()
}

/// Median time of `ROUNDS` runs, in milliseconds, and the compressed size.
fn measure(run: impl Fn() -> usize) -> (f64, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        size = run();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], size)
}

fn main() {
    for path in std::env::args().skip(1) {
        let page = std::fs::read(&path).expect("a readable page");
        println!("{path}: {} bytes", page.len());
        println!("| encoder | level | ms (median of {ROUNDS}) | bytes | ratio |");
        println!("| --- | --- | --- | --- | --- |");
        let rows = (1..=6)
            .map(|q| ("brotli", q, measure(|| brotli(&page, q))))
            .chain([1, 6].map(|l| ("gzip", l, measure(|| gzip(&page, l)))));
        for (encoder, level, (ms, bytes)) in rows {
            let ratio = page.len() as f64 / bytes.max(1) as f64;
            println!("| {encoder} | {level} | {ms:.2} | {bytes} | {ratio:.1}× |");
        }
    }
}
