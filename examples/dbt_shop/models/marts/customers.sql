with customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('int_order_payments') }}
),

customer_orders as (
    select
        orders.customer_id,
        min(orders.order_date) as first_order,
        max(orders.order_date) as most_recent_order,
        count(*) as number_of_orders,
        count(*) filter (where {{ is_completed('orders.status') }}) as completed_orders,
        sum(coalesce(payments.amount, 0)) as lifetime_value
    from orders
    left join payments using (order_id)
    group by orders.customer_id
)

select
    customers.customer_id,
    customers.first_name,
    customers.last_name,
    customers.country,
    customer_orders.first_order,
    customer_orders.most_recent_order,
    coalesce(customer_orders.number_of_orders, 0) as number_of_orders,
    coalesce(customer_orders.completed_orders, 0) as completed_orders,
    coalesce(customer_orders.lifetime_value, 0) as lifetime_value
from customers
left join customer_orders using (customer_id)
