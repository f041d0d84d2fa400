namespace Multiprocessing.Tests.Managers;

/// <summary>Python's repr of the values shared objects print, checked against what CPython 3.11 prints.</summary>
public sealed class MpReprSpec
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.25, "0.25")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(12345678901234567890.0, "1.2345678901234567e+19")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void A_float_prints_as_pythons_repr(double value, string python) => Assert.Equal(python, MpRepr.Of(value));

    [Fact]
    public void A_float32_prints_as_python_prints_its_double() => Assert.Equal("0.10000000149011612", MpRepr.Of(0.1f));

    [Fact]
    public void An_array_prints_as_pythons_array_module_does()
    {
        Assert.Equal("array('d', [1.0, 2.5])", MpRepr.Array('d', new[] { 1.0, 2.5 }));
        Assert.Equal("array('d')", MpRepr.Array('d', Array.Empty<double>()));
        Assert.Equal("array('i', [1, -2])", MpRepr.Array('i', new[] { 1, -2 }));
        Assert.Equal("array('u', 'ab')", MpRepr.Array('u', new[] { 'a', 'b' }));
    }
}
