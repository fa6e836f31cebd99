//! The exact sum of squares `0^2 + 1^2 + ... + (n-1)^2 = (n-1) n (2n-1) / 6` in 192-bit integer
//! arithmetic: no overflow for any `u64` n (the result stays below 2^192 / 3).

/// `sum(i*i for i in 0..n)` as three little-endian 64-bit words.
pub fn sum_of_squares(n: u64) -> [u64; 3] {
    if n < 2 {
        return [0; 3];
    }
    let (mut a, mut b, mut c) = (u128::from(n - 1), u128::from(n), 2 * u128::from(n) - 1);
    // One of n-1 and n is even; one of n-1, n and 2n-1 is a multiple of 3. Dividing first keeps
    // a * b below 2^127.
    if n.is_multiple_of(2) {
        b /= 2;
    } else {
        a /= 2;
    }
    match n % 3 {
        0 => b /= 3,
        1 => a /= 3,
        _ => c /= 3,
    }
    let product = mul_wide(a * b, c);
    debug_assert_eq!(product[3], 0);
    [product[0], product[1], product[2]]
}

/// The full 256-bit product of two u128, as four little-endian words (schoolbook on 64-bit
/// halves; each partial sum fits a u128).
fn mul_wide(x: u128, y: u128) -> [u64; 4] {
    let xs = [x as u64, (x >> 64) as u64];
    let ys = [y as u64, (y >> 64) as u64];
    let mut r = [0u64; 4];
    for (i, &xi) in xs.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &yj) in ys.iter().enumerate() {
            let t = u128::from(xi) * u128::from(yj) + u128::from(r[i + j]) + carry;
            r[i + j] = t as u64;
            carry = t >> 64;
        }
        r[i + 2] = carry as u64;
    }
    r
}
