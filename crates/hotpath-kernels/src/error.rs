//! Errors a kernel can report. The binding maps each variant to a Node-style error code, so the
//! variants describe the failure (what argument, what was expected, what was received) rather than
//! carrying a preformatted message.
use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum KernelError {
    /// A value of the right type that is out of the accepted range or shape.
    InvalidValue {
        argument: Cow<'static, str>,
        expected: String,
        received: String,
    },
    /// A value of the wrong type, found by a kernel that reads its input itself (a parser).
    InvalidType {
        argument: Cow<'static, str>,
        expected: String,
        received: String,
    },
    /// The caller raised the abort flag while the kernel ran.
    Aborted,
}

impl KernelError {
    pub fn invalid(
        argument: impl Into<Cow<'static, str>>,
        expected: impl Into<String>,
        received: impl Into<String>,
    ) -> Self {
        Self::InvalidValue {
            argument: argument.into(),
            expected: expected.into(),
            received: received.into(),
        }
    }

    pub fn invalid_type(
        argument: impl Into<Cow<'static, str>>,
        expected: impl Into<String>,
        received: impl Into<String>,
    ) -> Self {
        Self::InvalidType {
            argument: argument.into(),
            expected: expected.into(),
            received: received.into(),
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidValue {
                argument,
                expected,
                received,
            }
            | Self::InvalidType {
                argument,
                expected,
                received,
            } => {
                write!(
                    f,
                    "The \"{argument}\" argument must be {expected}. Received {received}"
                )
            }
            Self::Aborted => f.write_str("The operation was aborted"),
        }
    }
}

impl std::error::Error for KernelError {}

impl From<crate::Aborted> for KernelError {
    fn from(_: crate::Aborted) -> Self {
        Self::Aborted
    }
}
