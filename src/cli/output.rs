//! Where output goes: standard output, or a file written whole or not at all; and the
//! progress bar on standard error. Reports and listings go out through here; it never
//! decides what a report says.

use std::io::{ErrorKind, Write};
use std::path::Path;

use anyhow::Context;

use citykpi::dataset::Input;
use citykpi::Error;

/// Write to FILE through a temporary file renamed into place, or to stdout for none or `-`.
/// An output path that is one of the files read (`reads`), a folder, or in a folder that is
/// not there is refused ([`check_output`], which each command calls first, before any work). A
/// failed render leaves an existing file as it was, and no temporary file behind. Where
/// renaming a file onto the path would replace something else, the report is written into
/// it instead:
/// - a name of what standard output already writes to (`/dev/stdout`, `/dev/fd/1`) is
///   standard output, as `-` is (a file it appends to is appended to);
/// - a path that is not a regular file (`/dev/null`, a named pipe, a terminal) is written
///   to directly;
/// - a symbolic link is followed: the file it names is replaced and the link kept; a link
///   to nothing is written through, creating the file it names, as a shell's `>` does.
pub fn write_output<E: Into<anyhow::Error>>(
    output: Option<&Path>,
    reads: &[&Path],
    render: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> anyhow::Result<()> {
    let render = |out: &mut dyn Write| render(out).map_err(Into::into);
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        return write_stdout(render);
    };
    check_output(Some(path), reads, "report")?;
    if is_standard_output(path) {
        return write_stdout(render);
    }
    let linked;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
            Ok(target) => {
                linked = target;
                linked.as_path()
            }
            Err(_) => return write_into(path, render),
        },
        _ => path,
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return write_into(path, render);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The error names the folder, not the temporary file the user never asked for.
    let mut temp = tempfile::Builder::new()
        .prefix(".citykpi-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            // tempfile's text ends with " at path \".citykpi-....tmp\"".
            let text = e.to_string();
            let cause = text.split(" at path ").next().unwrap_or_default();
            std::io::Error::new(e.kind(), cause.to_string())
        })
        .with_context(|| format!("cannot write {} in {}", path.display(), dir.display()))?;
    {
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        render(&mut out)?;
        out.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // A report is an ordinary file: the mode of the file it replaces, or 0666 less the
    // umask, as any program that creates a file gives it (the temporary file is 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Ok(existing) => existing.permissions().mode(),
            Err(_) => 0o666 & !umask(dir),
        };
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode));
    }
    temp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Every file a command reads: its data files and the other files named (targets, peers).
pub fn files_read<'a>(inputs: &'a [Input], others: &[Option<&'a Path>]) -> Vec<&'a Path> {
    let data = inputs.iter().filter_map(Input::path);
    data.chain(others.iter().flatten().copied()).collect()
}

/// Refuse an output that cannot be right, before any work is done: one of the files the
/// command reads ([`files_read`]), a folder (one that is there, or a path ending in `/`, `.`
/// or `..`; the message suggests `example` in it), or a file in a folder that is not there or
/// is a file (for a symbolic link, the folder it points into, one level deep).
/// `write_output` checks it again.
pub fn check_output(output: Option<&Path>, reads: &[&Path], example: &str) -> anyhow::Result<()> {
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        return Ok(());
    };
    for &read in reads {
        let same = match (read.canonicalize(), path.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => read == path,
        };
        if same {
            return Err(Error::Usage(format!(
                "the output {} is also an input; write the report to another file",
                path.display()
            ))
            .into());
        }
    }
    let text = path.as_os_str().to_string_lossy();
    let folder_name = [".", ".."].iter().any(|dot| {
        let sep = std::path::MAIN_SEPARATOR;
        text == *dot || text.ends_with(&format!("/{dot}")) || text.ends_with(&format!("{sep}{dot}"))
    });
    if path.is_dir()
        || folder_name
        || text.ends_with('/')
        || text.ends_with(std::path::MAIN_SEPARATOR)
    {
        return Err(Error::Usage(format!(
            "the output {} is a folder; name a file in it, such as {}",
            path.display(),
            path.join(example).display()
        ))
        .into());
    }
    // A link is written through: the folder that must be there is the one it points into.
    let linked = std::fs::read_link(path)
        .ok()
        .map(|target| match path.parent() {
            Some(dir) => dir.join(target),
            None => target,
        });
    let written = linked.as_deref().unwrap_or(path);
    if let Some(dir) = written.parent().filter(|d| !d.as_os_str().is_empty()) {
        let problem = match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => None,
            Ok(_) => Some(format!(
                "{} is a file, not a folder; write elsewhere",
                dir.display()
            )),
            Err(_) => Some(format!(
                "there is no folder {}; create it first, or write elsewhere",
                dir.display()
            )),
        };
        if let Some(problem) = problem {
            return Err(Error::Usage(format!("the output {}: {problem}", path.display())).into());
        }
    }
    Ok(())
}

fn write_stdout(render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    write_watched(std::io::stdout().lock(), render)
}

/// Render into `out`, buffered. A reader that went away (`citykpi ... | head`) ends the run
/// with the broken pipe, which `main` takes for success, even where the renderer passed on
/// an error of its own that hides it (polars' Parquet writer turns it into text).
fn write_watched(
    out: impl Write,
    render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(Watched {
        inner: out,
        closed: false,
    });
    let result = render(&mut out).and_then(|()| Ok(out.flush()?));
    match result {
        Err(_) if out.get_ref().closed => Err(std::io::Error::from(ErrorKind::BrokenPipe).into()),
        result => result,
    }
}

/// A writer that remembers whether its reader went away.
struct Watched<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Watched<W> {
    fn watch<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if result
            .as_ref()
            .is_err_and(|e| e.kind() == ErrorKind::BrokenPipe)
        {
            self.closed = true;
        }
        result
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// Write into `path` as it is: opened (created if need be) and written, not replaced.
fn write_into(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("cannot write to {}", path.display()))?;
    write_watched(file, render).with_context(|| format!("writing {}", path.display()))
}

/// Whether `path` names the file, pipe or terminal standard output already writes to.
#[cfg(unix)]
fn is_standard_output(path: &Path) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let ours = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata());
    match (std::fs::metadata(path), ours) {
        (Ok(named), Ok(ours)) => (named.dev(), named.ino()) == (ours.dev(), ours.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_standard_output(_: &Path) -> bool {
    false
}

/// Whether a report for `output` (none or `-`: standard output) goes to a terminal.
pub fn to_terminal(output: Option<&Path>) -> bool {
    use std::io::IsTerminal;
    match output.filter(|p| *p != Path::new("-")) {
        None => std::io::stdout().is_terminal(),
        Some(path) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                std::fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device())
                    && std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .is_ok_and(|f| f.is_terminal())
            }
            #[cfg(not(unix))]
            {
                let _ = path;
                false
            }
        }
    }
}

/// The process umask, read from the mode a new file gets (std has no call for it).
#[cfg(unix)]
fn umask(dir: &Path) -> u32 {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let probe = dir.join(format!(".citykpi-umask-{}", std::process::id()));
    let mode = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o666)
        .open(&probe)
        .and_then(|f| f.metadata())
        .map(|m| m.permissions().mode() & 0o777);
    let _ = std::fs::remove_file(&probe);
    mode.map_or(0o022, |m| 0o666 & !m)
}

/// A progress bar on standard error that appears only once the work has taken a second.
/// indicatif draws nothing when standard error is not a terminal.
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    pub fn new(len: Option<u64>, template: &str) -> Progress {
        let bar =
            indicatif::ProgressBar::with_draw_target(len, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            start: std::time::Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn set(&self, position: u64) {
        if !self.shown.get() && self.start.elapsed() > std::time::Duration::from_secs(1) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        self.bar.set_position(position);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_render_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, "old report\n").unwrap();
        let result = write_output(Some(&path), &[], |out| {
            out.write_all(b"half a new rep")?;
            anyhow::bail!("the renderer failed")
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old report\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.csv")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_report_takes_the_umask_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        write_output(Some(&path), &[], |out| out.write_all(b"x")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask(dir.path()));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_output(Some(&path), &[], |out| out.write_all(b"y")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
